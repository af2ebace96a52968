/// Sebastiano Vigna's SplitMix64 generator: a 64-bit Weyl sequence (`state += 0x9E3779B97F4A7C15`)
/// passed through a fixed mixing function.
///
/// It is written out here, rather than taken from the standard library, so that a seed gives
/// the same numbers on every platform, Swift version and run; shuffles and sampling that must
/// be reproducible use it. It is not cryptographically secure.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The current position in the Weyl sequence.
    public private(set) var state: UInt64

    /// A generator starting at `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(self.state)
    }

    /// SplitMix64's finaliser: a bijection of 64-bit values that scatters nearby inputs.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in `0..<bound`, by Lemire's multiply-and-reject method
    /// (no modulo bias, and the same draws everywhere, unlike `Int.random(in:using:)` whose
    /// algorithm the standard library may change).
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
}
