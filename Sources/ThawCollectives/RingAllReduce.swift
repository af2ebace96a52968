/// Ring all-reduce and ring broadcast over any `CollectiveTransport`.
///
/// All-reduce (`allReduce(_:operation:scope:)`) runs in two phases over `size` chunks (see `RingPartition`):
///
/// - reduce-scatter: in round `s` (of `size - 1`) rank `r` sends chunk `(r - s) mod size` to its successor
///   and combines chunk `(r - s - 1) mod size` from its predecessor into its own; afterwards rank `r` holds
///   chunk `(r + 1) mod size` fully reduced;
/// - all-gather: in round `s` rank `r` sends chunk `(r + 1 - s) mod size` and stores chunk `(r - s) mod size`.
///
/// Each rank sends `2 (size - 1) / size` of the buffer and receives as much, whatever the size. Chunks are
/// cut into pieces of at most `pieceByteCount` bytes; a piece is forwarded as soon as it has been combined,
/// so sending one piece overlaps receiving the next. Sends run on a thread of their own (`PieceSender`), so a
/// ring of blocking links cannot deadlock with every rank sending.
///
/// When the operation is associative and commutative on the bits (as `ReductionOperation.wrappingSum` and
/// `.maximum` are), every rank gets bit-identical results for any ring order and any rank count.
///
/// Every wait is bounded by `timeout`; a failure throws a `CollectiveError` naming this rank, the peer, the
/// operation, chunk and step. After a failure the transport may hold messages of the failed collective and
/// must not be used for another.
public struct RingAllReduce: Sendable {
    /// The default most bytes in one message: 256 KiB. Over TLS on loopback, 256 KiB and 1 MiB pieces moved
    /// 32 MiB between 2 ranks about 1.5 times as fast as whole chunks; 64 KiB and 4 MiB were slower.
    public static let defaultPieceByteCount = 256 << 10

    /// This rank's view of the group.
    public let transport: any CollectiveTransport

    /// The longest any single wait (for a message, or for the link to take one) may last.
    public let timeout: Duration

    /// The most bytes of elements in one message.
    public let pieceByteCount: Int

    /// Collectives over `transport`, each wait bounded by `timeout`, chunks sent in pieces of at most
    /// `pieceByteCount` bytes (`Int.max` sends whole chunks).
    public init(
        transport: any CollectiveTransport,
        timeout: Duration,
        pieceByteCount: Int = RingAllReduce.defaultPieceByteCount
    ) {
        self.transport = transport
        self.timeout = timeout
        self.pieceByteCount = max(pieceByteCount, 1)
    }

    /// The element-wise combination of every rank's `values` under `operation`.
    ///
    /// Every rank must call it with the same element count, operation and scope.
    ///
    /// - Parameters:
    ///   - values: this rank's contribution; any count, including 0.
    ///   - scope: the run, generation and step, carried by every message and checked on arrival.
    /// - Returns: the combined values, the same on every rank; `values` itself when the group has one rank.
    /// - Throws: `CollectiveError` naming this rank, the peer, the operation, chunk and step.
    /// - Complexity: each rank sends and receives `2 (size - 1) / size × values.count` elements.
    public func allReduce<Element: CollectiveElement>(
        _ values: consuming [Element],
        operation: ReductionOperation<Element>,
        scope: CollectiveScope
    ) throws(CollectiveError) -> [Element] {
        guard self.transport.size > 1 else {
            return values
        }
        return try self.allReduce(values, operation: operation, scope: scope) { reduced, _, result in
            result.update(fromContentsOf: reduced)
        }
    }

    /// The element-wise combination of every rank's `values` under `operation`, turned into `Result` values
    /// by `finish` on the rank that completes each piece, and only then gathered.
    ///
    /// The reduce-scatter carries `Element`s and the all-gather `Result`s, so when the exact combination
    /// needs wide elements but its outcome does not (64-bit fixed-point sums that end as `Float`s), the
    /// second half of the ring moves half the bytes. `finish` must be a pure function of the reduced
    /// elements and their position, so every rank ends with the values it would have computed itself.
    ///
    /// - Parameters:
    ///   - values: this rank's contribution; any count, including 0.
    ///   - scope: the run, generation and step, carried by every message and checked on arrival.
    ///   - finish: writes the results of the fully reduced elements at `range` (indices into `values`).
    /// - Returns: the results of every element, the same on every rank.
    /// - Throws: `CollectiveError` naming this rank, the peer, the operation, chunk and step.
    public func allReduce<Element: CollectiveElement, Result: CollectiveElement>(
        _ values: consuming [Element],
        operation: ReductionOperation<Element>,
        scope: CollectiveScope,
        finishing finish: (
            _ reduced: UnsafeBufferPointer<Element>, _ range: Range<Int>, _ result: UnsafeMutableBufferPointer<Result>
        ) -> Void
    ) throws(CollectiveError) -> [Result] {
        var reduced = values
        // Left unfilled: the pieces cover every index, and each is written once, by `finish` on the rank that
        // completes it or from the all-gather, before the results are returned (elements are bitwise-copyable).
        var results = [Result](unsafeUninitializedCapacity: reduced.count) { buffer, initialized in
            initialized = buffer.count
        }
        func finishPiece(_ piece: Range<Int>, _ reduced: [Element], _ results: inout [Result]) {
            reduced.withUnsafeBufferPointer { reduced in
                results.withUnsafeMutableBufferPointer { results in
                    finish(
                        UnsafeBufferPointer(rebasing: reduced[piece]), piece,
                        UnsafeMutableBufferPointer(rebasing: results[piece]))
                }
            }
        }

        let size = self.transport.size
        guard size > 1 else {
            finishPiece(0..<reduced.count, reduced, &results)
            return results
        }

        let rank = self.transport.rank
        let partition = RingPartition(
            count: reduced.count, parts: size,
            pieceLength: max(self.pieceByteCount / max(Element.wireByteCount, Result.wireByteCount), 1))
        let sender = PieceSender(transport: self.transport, peer: self.transport.successor, timeout: self.timeout)
        defer { sender.cancel() }

        // Reduce-scatter round 0 sends this rank's own chunk.
        for (index, piece) in partition.pieces(ofChunk: rank).enumerated() {
            let tag = CollectiveTag(scope: scope, operation: .reduceScatter, chunk: rank, piece: index)
            sender.enqueue(Self.encode(reduced, piece), tag: tag)
        }

        // Reduce-scatter: combine each incoming piece, then pass it on; in the last round the piece is complete,
        // so it is finished and starts the all-gather.
        for round in 0..<(size - 1) {
            let chunk = Self.wrap(rank - round - 1, size)
            let isLastRound = round == size - 2
            for (index, piece) in partition.pieces(ofChunk: chunk).enumerated() {
                let tag = CollectiveTag(scope: scope, operation: .reduceScatter, chunk: chunk, piece: index)
                let bytes = try self.receive(tag, elements: piece.count, of: Element.self, sender: sender)
                Self.combine(bytes, into: &reduced, piece, with: operation)

                if isLastRound {
                    finishPiece(piece, reduced, &results)
                    var forward = tag
                    forward.operation = .allGather
                    sender.enqueue(Self.encode(results, piece), tag: forward)
                } else {
                    sender.enqueue(Self.encode(reduced, piece), tag: tag)
                }
            }
        }

        // All-gather: store each incoming finished piece, and pass it on unless the successor finished it.
        for round in 0..<(size - 1) {
            let chunk = Self.wrap(rank - round, size)
            let isLastRound = round == size - 2
            for (index, piece) in partition.pieces(ofChunk: chunk).enumerated() {
                let tag = CollectiveTag(scope: scope, operation: .allGather, chunk: chunk, piece: index)
                let bytes = try self.receive(tag, elements: piece.count, of: Result.self, sender: sender)
                Self.store(bytes, into: &results, piece)

                if !isLastRound {
                    sender.enqueue(bytes, tag: tag)
                }
            }
        }

        try sender.finish()
        return results
    }

    /// Receives the message `tag` from the predecessor and checks that it holds `elements` elements.
    ///
    /// A failure of this rank's own sending is reported in preference to a receive failure it may have caused
    /// further round the ring.
    func receive<Element: CollectiveElement>(
        _ tag: CollectiveTag,
        elements: Int,
        of type: Element.Type,
        sender: PieceSender
    ) throws(CollectiveError) -> [UInt8] {
        let bytes = try self.receive(tag, sender: sender)

        let expected = elements * Element.wireByteCount
        guard bytes.count == expected else {
            throw .malformedMessage(
                rank: self.transport.rank, peer: self.transport.predecessor, tag: tag,
                cause: "expected \(expected) bytes (\(elements) elements) but \(bytes.count) arrived; "
                    + "every rank must reduce the same number of elements")
        }
        return bytes
    }

    /// Receives the message `tag` from the predecessor, reporting the sender's failure first if it has one.
    func receive(_ tag: CollectiveTag, sender: PieceSender) throws(CollectiveError) -> [UInt8] {
        if let failure = sender.firstFailure {
            throw failure
        }

        do throws(CollectiveError) {
            return try self.transport.receive(from: self.transport.predecessor, tag: tag, timeout: self.timeout)
        } catch {
            throw sender.firstFailure ?? error
        }
    }

    /// `index` reduced into `0..<size`.
    static func wrap(_ index: Int, _ size: Int) -> Int {
        ((index % size) + size) % size
    }

    /// The wire bytes of `values[range]`.
    private static func encode<Element: CollectiveElement>(_ values: [Element], _ range: Range<Int>) -> [UInt8] {
        values.withUnsafeBufferPointer { buffer in
            Element.encode(UnsafeBufferPointer(rebasing: buffer[range]))
        }
    }

    /// Combines the elements in `bytes` into `values[range]`, reading them where they arrived.
    private static func combine<Element: CollectiveElement>(
        _ bytes: [UInt8],
        into values: inout [Element],
        _ range: Range<Int>,
        with operation: ReductionOperation<Element>
    ) {
        values.withUnsafeMutableBufferPointer { buffer in
            bytes.withUnsafeBytes { incoming in
                operation.combine(UnsafeMutableBufferPointer(rebasing: buffer[range]), incoming)
            }
        }
    }

    /// Overwrites `values[range]` with the elements in `bytes`.
    private static func store<Element: CollectiveElement>(
        _ bytes: [UInt8],
        into values: inout [Element],
        _ range: Range<Int>
    ) {
        values.withUnsafeMutableBufferPointer { buffer in
            Element.decode(bytes, into: UnsafeMutableBufferPointer(rebasing: buffer[range]))
        }
    }
}
