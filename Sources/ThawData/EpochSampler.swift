import ThawTensor

/// The order in which one epoch visits a data set: a seeded permutation, different every
/// epoch, identical on every machine for the same seed.
///
/// Epoch `e` shuffles `0..<count` with a Fisher-Yates shuffle driven by a `SplitMix64` seeded
/// with `SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(e)))`. For `i` from `count - 1` down to 1
/// it draws `j` uniformly in `0...i` (`next(below: i + 1)`) and swaps positions `i` and `j`.
/// Everything is written out here, so neither `SystemRandomNumberGenerator`, `Hasher` nor the
/// standard library's `shuffle` (whose algorithm may change) is involved: any change to the
/// sequence is a deliberate change to this file, caught by its golden test.
public struct EpochSampler: Sendable {
    /// The number of samples permuted.
    public let count: Int

    /// The run's seed.
    public let seed: UInt64

    /// A sampler over `0..<count`.
    ///
    /// - Precondition: `count >= 0`.
    public init(count: Int, seed: UInt64) {
        precondition(count >= 0, "count must not be negative")
        self.count = count
        self.seed = seed
    }

    /// The visiting order for `epoch` (counting from 0): a permutation of `0..<count`.
    ///
    /// - Complexity: O(`count`).
    public func order(epoch: Int) -> [Int] {
        var generator = SplitMix64(seed: SplitMix64.mix(self.seed ^ SplitMix64.mix(UInt64(bitPattern: Int64(epoch)))))
        var order = Array(0..<self.count)

        var position = self.count - 1
        while position > 0 {
            let other = Int(generator.next(below: UInt64(position + 1)))
            order.swapAt(position, other)
            position -= 1
        }
        return order
    }
}
