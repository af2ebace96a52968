/// A group of in-memory transports connected to each other, for tests: one endpoint per rank, every
/// endpoint able to reach every other, with faults that can be injected into any link.
///
/// ```swift
/// let hub = InMemoryTransportHub(size: 4)
/// hub.inject(.broken, from: 1, to: 2)
/// // run RingAllReduce(transport: hub.endpoints[rank], ...) on one thread per rank
/// ```
public final class InMemoryTransportHub: Sendable {
    /// The endpoints, indexed by rank.
    public let endpoints: [InMemoryTransport]

    /// The mailboxes, indexed by sender then receiver.
    private let mailboxes: [[InMemoryMailbox]]

    /// A group of `size` ranks.
    ///
    /// - Precondition: `size >= 1`.
    public init(size: Int) {
        precondition(size >= 1, "a group needs at least one rank")
        let mailboxes = (0..<size).map { _ in (0..<size).map { _ in InMemoryMailbox() } }
        self.mailboxes = mailboxes
        self.endpoints = (0..<size).map { rank in
            InMemoryTransport(
                rank: rank,
                outgoing: mailboxes[rank],
                incoming: mailboxes.map { $0[rank] }
            )
        }
    }

    /// The number of ranks.
    public var size: Int {
        self.endpoints.count
    }

    /// Injects `fault` into the link from rank `sender` to rank `receiver`.
    public func inject(_ fault: InMemoryLinkFault, from sender: Int, to receiver: Int) {
        self.mailboxes[sender][receiver].inject(fault)
    }

    /// Injects `fault` into every link to and from `rank`, as if the process had died (`.broken`) or stopped
    /// (`.silent`).
    public func fail(rank: Int, with fault: InMemoryLinkFault) {
        for other in 0..<self.size where other != rank {
            self.inject(fault, from: rank, to: other)
            self.inject(fault, from: other, to: rank)
        }
    }
}
