extension RingAllReduce {
    /// The largest buffer a broadcast accepts by default: 4 GiB.
    public static let defaultMaximumBroadcastByteCount = 1 << 32

    /// Sends `bytes` from `root` to every rank round the ring, forwarding each piece as soon as it arrives.
    ///
    /// The root first sends the length as a message of its own (piece 0, a little-endian `UInt64`), then the
    /// bytes in pieces of at most `pieceByteCount` (pieces 1, 2, ...). Each rank forwards to its successor
    /// unless the successor is the root.
    ///
    /// - Parameters:
    ///   - bytes: the buffer, on the root; ignored on the other ranks.
    ///   - root: the rank whose buffer is sent, in `0..<size`.
    ///   - scope: the run, generation and step, carried by every message and checked on arrival.
    ///   - maximumByteCount: the longest buffer a receiving rank accepts, so a corrupt length never causes a
    ///     huge allocation.
    /// - Returns: the root's buffer, on every rank.
    /// - Throws: `CollectiveError.invalidArgument` for a root outside the group; `.malformedMessage` for a
    ///   length over `maximumByteCount` or a piece of the wrong length; and as `allReduce`.
    public func broadcast(
        _ bytes: [UInt8],
        from root: Int,
        scope: CollectiveScope,
        maximumByteCount: Int = RingAllReduce.defaultMaximumBroadcastByteCount
    ) throws(CollectiveError) -> [UInt8] {
        let rank = self.transport.rank
        let size = self.transport.size
        guard (0..<size).contains(root) else {
            throw .invalidArgument(
                rank: rank, operation: "broadcast", reason: "the root \(root) is not a rank of a group of \(size)")
        }
        guard size > 1 else {
            return bytes
        }

        let sender = PieceSender(transport: self.transport, peer: self.transport.successor, timeout: self.timeout)
        defer { sender.cancel() }
        let forwards = self.transport.successor != root
        let lengthTag = CollectiveTag(scope: scope, operation: .broadcast, chunk: root, piece: 0)

        // The root sends the length and its pieces, and is done once they have left.
        if rank == root {
            sender.enqueue(Self.encodeLength(bytes.count), tag: lengthTag)
            for (index, range) in self.pieceRanges(count: bytes.count).enumerated() {
                let tag = CollectiveTag(scope: scope, operation: .broadcast, chunk: root, piece: index + 1)
                sender.enqueue(Array(bytes[range]), tag: tag)
            }
            try sender.finish()
            return bytes
        }

        // The others learn the length, then take each piece and pass it on.
        let lengthBytes = try self.receive(lengthTag, sender: sender)
        let count = try self.decodeLength(lengthBytes, tag: lengthTag, maximumByteCount: maximumByteCount)
        if forwards {
            sender.enqueue(lengthBytes, tag: lengthTag)
        }

        var received: [UInt8] = []
        received.reserveCapacity(count)
        for (index, range) in self.pieceRanges(count: count).enumerated() {
            let tag = CollectiveTag(scope: scope, operation: .broadcast, chunk: root, piece: index + 1)
            let piece = try self.receive(tag, sender: sender)
            guard piece.count == range.count else {
                throw .malformedMessage(
                    rank: rank, peer: self.transport.predecessor, tag: tag,
                    cause: "expected \(range.count) bytes of a \(count)-byte broadcast but \(piece.count) arrived")
            }
            received.append(contentsOf: piece)
            if forwards {
                sender.enqueue(piece, tag: tag)
            }
        }

        try sender.finish()
        return received
    }

    /// The byte ranges of the pieces of a `count`-byte broadcast.
    private func pieceRanges(count: Int) -> [Range<Int>] {
        RingPartition(count: count, parts: 1, pieceLength: self.pieceByteCount).pieces(ofChunk: 0)
    }

    /// The length message: `count` as a little-endian `UInt64`.
    private static func encodeLength(_ count: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(count).littleEndian) { Array($0) }
    }

    /// The length a length message announces, checked against `maximumByteCount`.
    private func decodeLength(
        _ bytes: [UInt8],
        tag: CollectiveTag,
        maximumByteCount: Int
    ) throws(CollectiveError) -> Int {
        let peer = self.transport.predecessor
        guard bytes.count == 8 else {
            throw .malformedMessage(
                rank: self.transport.rank, peer: peer, tag: tag,
                cause: "a broadcast length takes 8 bytes but \(bytes.count) arrived")
        }

        let length = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(max(maximumByteCount, 0)) else {
            throw .malformedMessage(
                rank: self.transport.rank, peer: peer, tag: tag,
                cause: "the announced length of \(length) bytes exceeds the limit of \(maximumByteCount) bytes; "
                    + "raise maximumByteCount on every rank if such buffers are intended")
        }
        return Int(length)
    }
}
