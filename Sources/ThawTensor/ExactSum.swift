import Foundation

/// Order-independent, bit-exact summation of `Float` vectors through 64-bit fixed point.
///
/// Floating-point addition is not associative, so a ring all-reduce that adds partial sums in
/// an order that depends on the number of workers would change the last bits of a gradient.
/// Thaw instead converts every contribution to an integer multiple of `2^-exponent`, where the
/// exponent is agreed for the whole sum from the largest magnitude of any contribution and the
/// number of contributions; integer addition is associative, so any grouping of the same
/// contributions gives the same integers, and converting back gives the same floats.
///
/// The exponent leaves 62 bits for `maxMagnitude * terms`, so the integer sum cannot overflow.
/// A contribution keeps full `Float` precision while it is within 2^-38 of the largest one;
/// parts smaller than `2^-exponent` are rounded away (to nearest), identically everywhere.
public enum ExactSum {
    /// The scaling exponent for a sum of `terms` contributions whose largest magnitude is
    /// `maxMagnitude`, or `nil` when that magnitude is not finite (a diverged step).
    public static func exponent(maxMagnitude: Float, terms: Int) -> Int? {
        guard maxMagnitude.isFinite else { return nil }
        guard maxMagnitude > 0 else { return 0 }
        let magnitudeBits = Int(maxMagnitude.exponent) + 1
        let termBits = terms <= 1 ? 0 : Int.bitWidth - (terms - 1).leadingZeroBitCount
        return 62 - magnitudeBits - termBits
    }

    /// The largest magnitude in `values`, or infinity if any value is NaN or infinite.
    ///
    /// Works on the bit patterns: with the sign bit cleared, a float's bits order like its magnitude, and
    /// every NaN and infinity lies at or above the bits of infinity, so one integer maximum, eight lanes
    /// at a time, finds both the largest magnitude and any value that is not finite.
    public static func maxMagnitude(_ values: UnsafePointer<Float>, count: Int) -> Float {
        let magnitudeMask: UInt32 = 0x7FFF_FFFF
        let raw = UnsafeRawPointer(values)
        var lanes = SIMD8<UInt32>(repeating: 0)
        var index = 0
        while index + 8 <= count {
            let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<UInt32>.self)
            lanes = pointwiseMax(lanes, bits & magnitudeMask)
            index += 8
        }
        var largest = lanes.max()
        while index < count {
            largest = max(largest, values[index].bitPattern & magnitudeMask)
            index += 1
        }
        return largest >= Float.infinity.bitPattern ? .infinity : Float(bitPattern: largest)
    }

    /// Adds `values * 2^exponent`, rounded to integers, into `sums`.
    ///
    /// Four lanes at a time. AVX2 has no conversion from `Double` to `Int64`, so each rounded value `x`
    /// (an integer below 2^62 in magnitude, held exactly) is split as `x = high * 2^32 + low` with
    /// `0 <= low < 2^32`; both halves are below 2^51, where adding 1.5 * 2^52 puts the integer in the low
    /// bits of the sum's pattern. The integers are exactly those of `Int64(x)`, lane for lane.
    public static func accumulate(
        _ values: UnsafePointer<Float>,
        count: Int,
        exponent: Int,
        into sums: UnsafeMutablePointer<Int64>
    ) {
        let scale = scalbn(1.0, exponent)
        let magic = SIMD4<Double>(repeating: 6_755_399_441_055_744)  // 1.5 * 2^52
        let magicBits = SIMD4<Int64>(repeating: Int64(bitPattern: (6_755_399_441_055_744.0).bitPattern))
        let raw = UnsafeRawPointer(values)
        let sumsRaw = UnsafeMutableRawPointer(sums)
        var index = 0
        while index + 4 <= count {
            let floats = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD4<Float>.self)
            let rounded = (SIMD4<Double>(floats) * scale).rounded(.toNearestOrEven)
            let high = (rounded * 0x1p-32).rounded(.down)
            let low = rounded - high * 0x1p32
            let highBits = unsafeBitCast(high + magic, to: SIMD4<Int64>.self) &- magicBits
            let lowBits = unsafeBitCast(low + magic, to: SIMD4<Int64>.self) &- magicBits
            let previous = sumsRaw.loadUnaligned(fromByteOffset: index * 8, as: SIMD4<Int64>.self)
            sumsRaw.storeBytes(
                of: previous &+ (highBits &<< 32) &+ lowBits, toByteOffset: index * 8, as: SIMD4<Int64>.self)
            index += 4
        }
        while index < count {
            sums[index] &+= Int64((Double(values[index]) * scale).rounded(.toNearestOrEven))
            index += 1
        }
    }

    /// Writes `sums * 2^-exponent` as floats into `values`.
    public static func unscale(
        _ sums: UnsafePointer<Int64>,
        count: Int,
        exponent: Int,
        into values: UnsafeMutablePointer<Float>
    ) {
        let scale = scalbn(1.0, -exponent)
        for index in 0..<count {
            values[index] = Float(Double(sums[index]) * scale)
        }
    }
}
