// The libFuzzer entry point for the frame decoder and payload reader. `scripts/fuzz-wire` compiles this file
// together with the ThawWire frame sources into one module, so the types below are used without an import.
//
// The first input byte picks the size of the pieces the rest is fed in; the rest is a byte stream. The
// harness traps (which libFuzzer reports as a finding) only when a property fails: feeding the stream whole
// and in pieces must give the same frames and the same error, and a decoded frame must survive re-encoding.

/// The decoder's payload limit under fuzzing, small so the oversize path is reached often.
let fuzzLimits = FrameLimits(maximumPayloadBytes: 1 << 16)

/// Everything a stream decodes to: its frames and the error that stopped it, if any.
struct DecodeOutcome: Equatable {
    var frames: [Frame] = []
    var failure: WireError?
}

/// Decodes `stream` fed in pieces of `pieceSize` bytes.
func decode(_ stream: ArraySlice<UInt8>, pieceSize: Int) -> DecodeOutcome {
    var decoder = FrameDecoder(limits: fuzzLimits)
    var outcome = DecodeOutcome()
    var position = stream.startIndex
    repeat {
        let end = min(position + pieceSize, stream.endIndex)
        decoder.append(contentsOf: stream[position..<end])
        position = end
        do {
            while let frame = try decoder.nextFrame() {
                outcome.frames.append(frame)
            }
        } catch {
            outcome.failure = error
            return outcome
        }
    } while position < stream.endIndex
    return outcome
}

/// Decodes `stream` as a TLS connection reads it: a header's bytes through the decoder, and each payload that
/// `payloadLengthAwaited` announces read whole on its own and handed to `completeFrame(payload:)`.
func decodeWithDirectPayloads(_ stream: ArraySlice<UInt8>) -> DecodeOutcome {
    var decoder = FrameDecoder(limits: fuzzLimits)
    var outcome = DecodeOutcome()
    var position = stream.startIndex
    while true {
        do {
            while let frame = try decoder.nextFrame() {
                outcome.frames.append(frame)
            }
            if let length = decoder.payloadLengthAwaited {
                guard stream.endIndex - position >= length else {
                    return outcome
                }
                outcome.frames.append(try decoder.completeFrame(payload: Array(stream[position..<(position + length)])))
                position += length
                continue
            }
        } catch {
            outcome.failure = error
            return outcome
        }
        guard position < stream.endIndex else {
            return outcome
        }
        decoder.append(contentsOf: stream[position..<(position + 1)])
        position += 1
    }
}

/// Reads `payload` as a sequence of fields whose kinds are chosen by the payload's own bytes.
func walk(_ payload: [UInt8]) {
    var reader = BinaryReader(payload)
    do {
        while !reader.isAtEnd {
            switch try reader.read(UInt8.self) % 8 {
            case 0: _ = try reader.read(UInt16.self)
            case 1: _ = try reader.read(UInt32.self)
            case 2: _ = try reader.read(Int64.self)
            case 3: _ = try reader.read(String.self)
            case 4: _ = try reader.readFloats()
            case 5: _ = try reader.readLengthPrefixedBytes()
            case 6: _ = try reader.read(Double.self)
            default: try reader.expectEnd()
            }
        }
    } catch {
        _ = error.description
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else {
        return 0
    }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let stream = input[1...]

    let whole = decode(stream, pieceSize: max(stream.count, 1))
    let pieces = decode(stream, pieceSize: Int(input[0] % 17) + 1)
    precondition(whole == pieces, "feeding in pieces changed the outcome")
    let direct = decodeWithDirectPayloads(stream)
    precondition(direct.frames == whole.frames, "reading payloads directly changed the frames")
    precondition((direct.failure == nil) == (whole.failure == nil), "reading payloads directly changed the failure")

    for frame in whole.frames {
        let encoded = try! FrameEncoder(limits: fuzzLimits).encode(frame)
        precondition(decode(encoded[...], pieceSize: encoded.count).frames == [frame], "re-encoding changed a frame")
        walk(frame.payload)
    }
    _ = whole.failure?.description
    return 0
}
