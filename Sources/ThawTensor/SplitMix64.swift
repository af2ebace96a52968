import Foundation

/// A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64).
///
/// Thaw needs random numbers that are identical on every platform, Swift version and worker:
/// weight initialisation, dropout masks and the per-epoch shuffle are all derived from the run's
/// seed through this generator, never from `SystemRandomNumberGenerator` or `Hasher`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// A generator for one purpose, derived from a seed and a list of integers (a step number, a
    /// micro-shard index, a layer index), so that independent streams never overlap in practice.
    public init(seed: UInt64, streams: [UInt64]) {
        var mixer = SplitMix64(seed: seed)
        var state = mixer.next()
        for stream in streams {
            mixer = SplitMix64(seed: state ^ (stream &* 0x9E37_79B9_7F4A_7C15))
            state = mixer.next()
        }
        self.state = state
    }

    /// One value derived from a seed and a list of stream numbers: a seed for a sub-task.
    public static func derive(seed: UInt64, streams: [UInt64]) -> UInt64 {
        var generator = SplitMix64(seed: seed, streams: streams)
        return generator.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(self.state)
    }

    /// SplitMix64's finaliser: a bijection of 64-bit values that scatters nearby inputs.
    public static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniformly distributed integer in `0..<bound`, by Lemire's multiply-and-reject method: no
    /// modulo bias, and the same draws everywhere, unlike `Int.random(in:using:)`, whose algorithm
    /// the standard library may change.
    ///
    /// - Precondition: `bound > 0`.
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = self.next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = self.next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(self.next() >> 40) * 0x1p-24
    }

    /// A standard normal sample (Box-Muller), for weight initialisation.
    public mutating func nextGaussian() -> Float {
        let u1 = max(Double(self.next() >> 11) * 0x1p-53, 0x1p-60)
        let u2 = Double(self.next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
