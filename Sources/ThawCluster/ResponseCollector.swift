/// Waits for one answer from each of a set of workers, as a pure state machine: the shell
/// reports answers and the passing of the deadline; the collector says whether the round is
/// complete and, when it is not in time, who is missing.
public struct ResponseCollector<Answer: Sendable>: Sendable {
    /// What the shell should do next.
    public enum Status: Sendable {
        /// Keep waiting for these ranks.
        case waiting(missing: [Int])
        /// Everyone answered; answers in rank order.
        case complete([Answer])
        /// The deadline passed; these ranks never answered.
        case timedOut(missing: [Int])
    }

    public let operation: String
    public let step: Int
    private var answers: [Int: Answer] = [:]
    private let ranks: [Int]

    public init(operation: String, step: Int, ranks: [Int]) {
        self.operation = operation
        self.step = step
        self.ranks = ranks
    }

    public var missing: [Int] { self.ranks.filter { self.answers[$0] == nil } }

    /// Records `rank`'s answer (a second answer from the same rank replaces the first).
    public mutating func onAnswer(_ answer: Answer, from rank: Int) -> Status {
        self.answers[rank] = answer
        let missing = self.missing
        return missing.isEmpty ? .complete(self.ranks.map { self.answers[$0]! }) : .waiting(missing: missing)
    }

    /// The deadline passed.
    public func onDeadline() -> Status {
        let missing = self.missing
        return missing.isEmpty ? .complete(self.ranks.map { self.answers[$0]! }) : .timedOut(missing: missing)
    }
}
