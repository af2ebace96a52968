/// How one epoch's shuffled samples become steps and micro-shards.
///
/// Step `s` takes the samples `order[s * batchSize ..< (s + 1) * batchSize]` (the last step may be
/// smaller); its micro-shards are consecutive runs of `microShardSize` of them (the last may be
/// smaller). A micro-shard is the unit of gradient work: it is computed whole by one worker, in
/// one forward and backward pass of exactly these samples, so its result never depends on how
/// many workers there are or which one computed it.
public struct EpochPlan: Sendable, Equatable {
    public let order: [Int]
    public let batchSize: Int
    public let microShardSize: Int

    public init(order: [Int], batchSize: Int, microShardSize: Int) {
        precondition(batchSize >= 1 && microShardSize >= 1, "batch and micro-shard sizes must be positive")
        self.order = order
        self.batchSize = batchSize
        self.microShardSize = microShardSize
    }

    /// Steps in the epoch: `ceil(samples / batchSize)`.
    public var stepCount: Int { (self.order.count + self.batchSize - 1) / self.batchSize }

    /// The samples of step `step`, in order.
    public func samples(ofStep step: Int) -> ArraySlice<Int> {
        let start = step * self.batchSize
        return self.order[start..<min(start + self.batchSize, self.order.count)]
    }

    /// The micro-shards of step `step`: each a list of sample indices.
    public func microShards(ofStep step: Int) -> [[Int]] {
        let samples = self.samples(ofStep: step)
        return stride(from: samples.startIndex, to: samples.endIndex, by: self.microShardSize).map {
            Array(samples[$0..<min($0 + self.microShardSize, samples.endIndex)])
        }
    }
}
