/// Names the workers that keep the others waiting, as a pure accumulator: the coordinator feeds
/// it each step's compute times (measured by the workers before the reduction) and asks at the
/// end of an epoch who was slow.
///
/// A worker is slow on a step when its compute time exceeds the step's lower median by half
/// and by at least `margin` seconds; it is a straggler of the epoch when it was slow on at
/// least `fraction` of the steps.
public struct StragglerWatch: Sendable, Equatable {
    /// A worker that was slow on many steps, with its figures.
    public struct Straggler: Sendable, Equatable {
        public var rank: Int
        public var slowSteps: Int
        public var steps: Int
        public var meanComputeSeconds: Double
        public var meanOthersSeconds: Double
    }

    public var margin: Double
    public var fraction: Double
    private var slowSteps: [Int]
    private var computeSeconds: [Double]
    private var steps = 0

    public init(workers: Int, margin: Double = 0.05, fraction: Double = 0.2) {
        self.margin = margin
        self.fraction = fraction
        self.slowSteps = [Int](repeating: 0, count: workers)
        self.computeSeconds = [Double](repeating: 0, count: workers)
    }

    /// One step's compute times, by rank.
    public mutating func record(_ seconds: [Double]) {
        guard seconds.count == self.slowSteps.count, seconds.count > 1 else { return }
        let sorted = seconds.sorted()
        let median = sorted[(sorted.count - 1) / 2]
        for (rank, time) in seconds.enumerated() {
            self.computeSeconds[rank] += time
            if time > 1.5 * median + self.margin { self.slowSteps[rank] += 1 }
        }
        self.steps += 1
    }

    /// The stragglers since the last reset, slowest first; then starts counting afresh.
    public mutating func epochEnded() -> [Straggler] {
        defer {
            self.slowSteps = [Int](repeating: 0, count: self.slowSteps.count)
            self.computeSeconds = [Double](repeating: 0, count: self.computeSeconds.count)
            self.steps = 0
        }
        guard self.steps > 0 else { return [] }
        let total = self.computeSeconds.reduce(0, +)
        let others = Double(max(1, self.computeSeconds.count - 1))
        return self.slowSteps.indices
            .filter { Double(self.slowSteps[$0]) >= self.fraction * Double(self.steps) }
            .map { rank in
                Straggler(
                    rank: rank, slowSteps: self.slowSteps[rank], steps: self.steps,
                    meanComputeSeconds: self.computeSeconds[rank] / Double(self.steps),
                    meanOthersSeconds: (total - self.computeSeconds[rank]) / others / Double(self.steps))
            }
            .sorted { $0.meanComputeSeconds > $1.meanComputeSeconds }
    }
}
