/// One rank's view of a fixed group of ranks that exchange tagged byte messages.
///
/// Collective algorithms such as `RingAllReduce` are written against this protocol only, so the same code
/// runs over `InMemoryTransport` in tests and over `TLSRingTransport` in a cluster. Messages between two
/// ranks arrive in the order they were sent. A ring algorithm only sends to `(rank + 1) % size` and only
/// receives from `(rank + size - 1) % size`; a transport may refuse any other peer.
///
/// Conformers must allow one thread to send while another receives.
public protocol CollectiveTransport: AnyObject, Sendable {
    /// This rank, in `0..<size`.
    var rank: Int { get }

    /// The number of ranks in the group; at least 1.
    var size: Int { get }

    /// Sends `bytes` to `peer` as the message `tag`.
    ///
    /// - Parameter timeout: the longest the call may wait for the link to take the bytes.
    /// - Throws: `CollectiveError.timedOut`, `.linkFailed`, or `.unreachablePeer`.
    func send(_ bytes: [UInt8], to peer: Int, tag: CollectiveTag, timeout: Duration) throws(CollectiveError)

    /// Receives the next message from `peer`, which must be the message `tag`.
    ///
    /// - Parameter timeout: the longest the call may wait for the message.
    /// - Returns: the message's bytes.
    /// - Throws: `CollectiveError.unexpectedTag` if the next message has another tag (it is consumed);
    ///   `.timedOut`, `.linkFailed`, `.malformedMessage` or `.unreachablePeer` otherwise.
    func receive(from peer: Int, tag: CollectiveTag, timeout: Duration) throws(CollectiveError) -> [UInt8]
}

extension CollectiveTransport {
    /// The rank this one sends to in a ring: `(rank + 1) % size`.
    public var successor: Int {
        (self.rank + 1) % self.size
    }

    /// The rank this one receives from in a ring: `(rank + size - 1) % size`.
    public var predecessor: Int {
        (self.rank + self.size - 1) % self.size
    }
}
