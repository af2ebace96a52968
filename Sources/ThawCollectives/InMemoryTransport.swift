import Foundation

/// One rank's endpoint of an `InMemoryTransportHub`: messages are queued in memory, in order per link.
///
/// Sends never block; receives wait on a condition variable until a message arrives, the link is broken or
/// the timeout passes. Any peer in the group may be addressed. Thread-safe.
public final class InMemoryTransport: CollectiveTransport {
    public let rank: Int

    public var size: Int {
        self.outgoing.count
    }

    /// The mailboxes this rank sends into, indexed by receiver.
    private let outgoing: [InMemoryMailbox]

    /// The mailboxes this rank receives from, indexed by sender.
    private let incoming: [InMemoryMailbox]

    init(rank: Int, outgoing: [InMemoryMailbox], incoming: [InMemoryMailbox]) {
        self.rank = rank
        self.outgoing = outgoing
        self.incoming = incoming
    }

    public func send(_ bytes: [UInt8], to peer: Int, tag: CollectiveTag, timeout: Duration) throws(CollectiveError) {
        try self.check(peer)

        if self.outgoing[peer].post(bytes, tag: tag) == .broken {
            throw .linkFailed(
                rank: self.rank, peer: peer, direction: .sending, tag: tag,
                cause: "the in-memory link from rank \(self.rank) to rank \(peer) is broken (an injected fault)")
        }
    }

    public func receive(from peer: Int, tag: CollectiveTag, timeout: Duration) throws(CollectiveError) -> [UInt8] {
        try self.check(peer)

        switch self.incoming[peer].take(until: Date() + timeout.timeInterval) {
        case .message(let received, let bytes):
            guard received == tag else {
                throw .unexpectedTag(rank: self.rank, peer: peer, expected: tag, received: received)
            }
            return bytes
        case .broken:
            throw .linkFailed(
                rank: self.rank, peer: peer, direction: .receiving, tag: tag,
                cause: "the in-memory link from rank \(peer) to rank \(self.rank) is broken (an injected fault)")
        case .timedOut:
            throw .timedOut(rank: self.rank, peer: peer, direction: .receiving, tag: tag, after: timeout)
        }
    }

    /// Checks that `peer` is another rank of the group.
    private func check(_ peer: Int) throws(CollectiveError) {
        guard (0..<self.size).contains(peer), peer != self.rank else {
            throw .unreachablePeer(
                rank: self.rank, peer: peer, size: self.size, reason: "it is not another rank of the group")
        }
    }
}
