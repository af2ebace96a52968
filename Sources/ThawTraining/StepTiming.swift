/// How a step's time was spent, as measured where it was computed.
///
/// `computeSeconds` is the slowest worker's time for its micro-shards, the part more workers share
/// out; `reduceSeconds` is the shortest time any worker took from the end of its micro-shards to the
/// applied step (agreeing the exponents, the exact sum around the ring, the SGD step). The worker
/// that finished computing last waits for no one, so the shortest is the reduction's own cost.
public struct StepTiming: Sendable, Equatable {
    public var computeSeconds: Double
    public var reduceSeconds: Double

    public init(computeSeconds: Double, reduceSeconds: Double) {
        self.computeSeconds = computeSeconds
        self.reduceSeconds = reduceSeconds
    }

    /// The timing of a step from every worker's own figures, or nil when there are none.
    public static func slowest(compute: [Double], reduce: [Double]) -> StepTiming? {
        guard let compute = compute.max(), let reduce = reduce.min() else { return nil }
        return StepTiming(computeSeconds: compute, reduceSeconds: reduce)
    }
}
