import ThawWire

/// The frames the collectives put on a TLS link, in ThawWire's framing.
///
/// Message types (the frame header's `messageType`):
///
/// | Type | Name | Payload |
/// | --- | --- | --- |
/// | 0x0301 | ring hello | sender rank (`UInt32`), group size (`UInt32`) |
/// | 0x0302 | collective chunk | the bytes, then operation (`UInt8`), chunk (`UInt32`), piece (`UInt32`) |
///
/// The header carries the run id, the membership generation and the step (for a hello, step 0); integers
/// in the payload are big-endian, as `BinaryWriter` writes them. A chunk's tag follows its bytes, so the
/// receiver drops it from the end of the payload and keeps the bytes where they arrived.
enum CollectiveMessage {
    /// The first frame on a ring link, from the rank that dialled, saying who it is.
    static let ringHelloType: UInt16 = 0x0301

    /// One piece of a collective.
    static let chunkType: UInt16 = 0x0302

    /// The bytes of a chunk payload after the data: operation, chunk and piece.
    static let chunkTagByteCount = 9

    /// The header of the chunk frame of the message `tag`.
    static func chunkHeader(_ tag: CollectiveTag) -> FrameHeader {
        FrameHeader(
            messageType: Self.chunkType, runID: tag.scope.runID, generation: tag.scope.generation,
            step: tag.scope.step)
    }

    /// The bytes that follow a chunk's data: its operation, chunk and piece.
    static func chunkTrailer(_ tag: CollectiveTag) -> [UInt8] {
        var writer = BinaryWriter(reservingCapacity: Self.chunkTagByteCount)
        writer.write(tag.operation.rawValue)
        writer.write(UInt32(truncatingIfNeeded: tag.chunk))
        writer.write(UInt32(truncatingIfNeeded: tag.piece))
        return writer.bytes
    }

    /// The tag and bytes of a chunk frame, or why the frame is not one. The bytes are the frame's payload
    /// without its trailer, not a copy.
    static func parseChunk(_ frame: consuming Frame) -> Result<(tag: CollectiveTag, bytes: [UInt8]), ParseFailure> {
        guard frame.header.messageType == Self.chunkType else {
            return .failure(
                ParseFailure(cause: "a frame of type \(frame.header.messageType) is not a collective chunk"))
        }
        guard frame.payload.count >= Self.chunkTagByteCount else {
            return .failure(
                ParseFailure(
                    cause:
                        "a chunk of \(frame.payload.count) bytes is shorter than its \(Self.chunkTagByteCount)-byte tag"
                ))
        }

        var reader = BinaryReader(Array(frame.payload.suffix(Self.chunkTagByteCount)))
        let operationCode: UInt8
        let chunk: UInt32
        let piece: UInt32
        do throws(WireError) {
            operationCode = try reader.read(UInt8.self)
            chunk = try reader.read(UInt32.self)
            piece = try reader.read(UInt32.self)
        } catch {
            return .failure(ParseFailure(cause: "\(error)"))
        }
        guard let operation = CollectiveOperation(rawValue: operationCode) else {
            return .failure(ParseFailure(cause: "the operation code \(operationCode) is unknown"))
        }

        let scope = CollectiveScope(
            runID: frame.header.runID, generation: frame.header.generation, step: frame.header.step)
        let tag = CollectiveTag(scope: scope, operation: operation, chunk: Int(chunk), piece: Int(piece))

        // Taking the payload out of the frame leaves it uniquely held, so dropping the trailer copies nothing.
        var bytes: [UInt8] = []
        swap(&bytes, &frame.payload)
        bytes.removeLast(Self.chunkTagByteCount)
        return .success((tag, bytes))
    }

    /// The hello frame of rank `rank` of `size` in membership `generation` of run `runID`.
    static func helloFrame(rank: Int, size: Int, runID: UInt64, generation: UInt64) -> Frame {
        var writer = BinaryWriter(reservingCapacity: 8)
        writer.write(UInt32(truncatingIfNeeded: rank))
        writer.write(UInt32(truncatingIfNeeded: size))
        let header = FrameHeader(messageType: Self.ringHelloType, runID: runID, generation: generation, step: 0)
        return Frame(header: header, payload: writer.bytes)
    }

    /// Checks that `frame` is the hello of rank `rank` of `size` in membership `generation` of run `runID`.
    static func checkHello(
        _ frame: Frame,
        rank: Int,
        size: Int,
        runID: UInt64,
        generation: UInt64
    ) -> ParseFailure? {
        guard frame.header.messageType == Self.ringHelloType else {
            return ParseFailure(cause: "its first frame has type \(frame.header.messageType), not a ring hello")
        }

        var reader = BinaryReader(frame.payload)
        let announcedRank: UInt32
        let announcedSize: UInt32
        do throws(WireError) {
            announcedRank = try reader.read(UInt32.self)
            announcedSize = try reader.read(UInt32.self)
            try reader.expectEnd()
        } catch {
            return ParseFailure(cause: "its hello is malformed: \(error)")
        }

        let expected = "rank \(rank) of \(size) in run \(runID), generation \(generation)"
        let announced =
            "rank \(announcedRank) of \(announcedSize) in run \(frame.header.runID), "
            + "generation \(frame.header.generation)"
        guard announcedRank == rank, announcedSize == size, frame.header.runID == runID,
            frame.header.generation == generation
        else {
            return ParseFailure(cause: "it announced itself as \(announced) but \(expected) was expected")
        }
        return nil
    }

    /// Why a frame could not be read as the message expected.
    struct ParseFailure: Error {
        /// What is wrong, in words.
        let cause: String
    }
}
