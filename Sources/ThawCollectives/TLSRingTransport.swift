import ThawWire

/// The production `CollectiveTransport`: TLS 1.3 links to this rank's two ring neighbours.
///
/// A rank writes to its successor over the link it dialled and reads from its predecessor over the link it
/// accepted, so each link carries traffic one way and a send never waits behind a receive. In a ring of two
/// the successor and the predecessor are the same rank, reached over two links. Make one with
/// `establish(rank:members:listener:context:runID:generation:timeout:)`.
///
/// Each message is one ThawWire frame of type `CollectiveMessage.chunkType`: the header carries the tag's run
/// id, generation and step, the payload the bytes and then the tag's operation, chunk and piece. The bytes
/// are written from the caller's buffer and read into the one returned, with no copy in between. A frame with
/// another tag is rejected with `CollectiveError.unexpectedTag`; any TLS failure (end of stream, reset,
/// alert, malformed frame, timeout) becomes a `CollectiveError` naming the rank, the peer and the message.
public final class TLSRingTransport: CollectiveTransport, @unchecked Sendable {
    public let rank: Int

    public let size: Int

    /// The link this rank writes to its successor; `nil` in a group of one.
    public let successorLink: TLSConnection?

    /// The link this rank reads from its predecessor; `nil` in a group of one.
    public let predecessorLink: TLSConnection?

    /// A transport for rank `rank` of `size` over established links.
    ///
    /// - Precondition: `0 <= rank < size`, and both links are present exactly when `size > 1`.
    public init(rank: Int, size: Int, successorLink: TLSConnection?, predecessorLink: TLSConnection?) {
        precondition((0..<size).contains(rank), "rank \(rank) is not in a group of \(size)")
        precondition((successorLink != nil && predecessorLink != nil) == (size > 1), "a ring of \(size) needs links")
        self.rank = rank
        self.size = size
        self.successorLink = successorLink
        self.predecessorLink = predecessorLink
    }

    public func send(_ bytes: [UInt8], to peer: Int, tag: CollectiveTag, timeout: Duration) throws(CollectiveError) {
        guard peer == self.successor, peer != self.rank, let link = self.successorLink else {
            throw .unreachablePeer(
                rank: self.rank, peer: peer, size: self.size,
                reason: "a ring rank only sends to its successor, rank \(self.successor)")
        }

        let trailer = CollectiveMessage.chunkTrailer(tag)
        do throws(TLSError) {
            try bytes.withUnsafeBytes { data in
                trailer.withUnsafeBytes { trailer in
                    Result { () throws(TLSError) in
                        try link.writeFrame(
                            header: CollectiveMessage.chunkHeader(tag), payload: [data, trailer], timeout: timeout)
                    }
                }
            }.get()
        } catch {
            throw self.collectiveError(error, peer: peer, direction: .sending, tag: tag, timeout: timeout)
        }
    }

    public func receive(from peer: Int, tag: CollectiveTag, timeout: Duration) throws(CollectiveError) -> [UInt8] {
        guard peer == self.predecessor, peer != self.rank, let link = self.predecessorLink else {
            throw .unreachablePeer(
                rank: self.rank, peer: peer, size: self.size,
                reason: "a ring rank only receives from its predecessor, rank \(self.predecessor)")
        }

        let frame: Frame
        do throws(TLSError) {
            frame = try link.readFrame(timeout: timeout)
        } catch {
            throw self.collectiveError(error, peer: peer, direction: .receiving, tag: tag, timeout: timeout)
        }

        switch CollectiveMessage.parseChunk(consume frame) {
        case .failure(let failure):
            throw .malformedMessage(rank: self.rank, peer: peer, tag: tag, cause: failure.cause)
        case .success(let (received, bytes)):
            guard received == tag else {
                throw .unexpectedTag(rank: self.rank, peer: peer, expected: tag, received: received)
            }
            return bytes
        }
    }

    /// Closes both links; a thread blocked on either wakes with a `CollectiveError.linkFailed`.
    public func close() {
        self.successorLink?.close()
        self.predecessorLink?.close()
    }

    /// The collective error for a TLS failure on the link to `peer`.
    private func collectiveError(
        _ error: TLSError,
        peer: Int,
        direction: CollectiveDirection,
        tag: CollectiveTag,
        timeout: Duration
    ) -> CollectiveError {
        if case .timedOut = error {
            return .timedOut(rank: self.rank, peer: peer, direction: direction, tag: tag, after: timeout)
        }
        return .linkFailed(rank: self.rank, peer: peer, direction: direction, tag: tag, cause: "\(error)")
    }
}
