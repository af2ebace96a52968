/// The phase of a collective a message belongs to; part of every `CollectiveTag`.
public enum CollectiveOperation: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The first half of a ring all-reduce: each rank ends up owning one fully reduced chunk.
    case reduceScatter = 1

    /// The second half of a ring all-reduce: the reduced chunks travel round the ring to every rank.
    case allGather = 2

    /// A byte buffer travelling from one root round the ring to every other rank.
    case broadcast = 3

    public var description: String {
        switch self {
        case .reduceScatter:
            return "reduce-scatter"
        case .allGather:
            return "all-gather"
        case .broadcast:
            return "broadcast"
        }
    }
}
