/// A malformed frame or payload.
///
/// Every case describes bytes that came from a peer or a file; none of them is a programming error, so a
/// decoder or reader throws them instead of trapping. After a frame error the byte stream is out of step and
/// the connection it came from should be dropped.
public enum WireError: Error, Equatable, Sendable {
    /// The stream does not start with the magic "THAW": it is not a Thaw frame (perhaps plain TLS, HTTP, or
    /// a stream that lost its place). `received` holds the bytes up to and including the first that differs.
    case badMagic(received: [UInt8])

    /// The frame's protocol version is outside the range this build understands.
    case unsupportedVersion(received: UInt16, supported: ClosedRange<UInt16>)

    /// The header announces a payload larger than the configured limit; nothing was allocated for it.
    case payloadTooLarge(length: UInt64, limit: Int)

    /// The CRC-32 stored in the header does not match the header fields and payload that arrived.
    case checksumMismatch(stored: UInt32, computed: UInt32)

    /// A payload ended before a value could be read: `needed` bytes were wanted, `available` remained.
    case truncatedPayload(reading: String, needed: UInt64, available: Int)

    /// A string in a payload is not valid UTF-8.
    case invalidUTF8(byteCount: Int)

    /// A payload was fully decoded but bytes were left over.
    case trailingBytes(count: Int)
}

extension WireError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .badMagic(let received):
            let shown = received.map { String($0, radix: 16) }.joined(separator: " ")
            return "Decoding a frame: bad magic (bytes \(shown), expected \"THAW\"); "
                + "the peer is not speaking the Thaw protocol or the stream lost its place. Drop the connection."
        case .unsupportedVersion(let received, let supported):
            return "Decoding a frame: protocol version \(received) is not supported by this build "
                + "(supported \(supported.lowerBound)...\(supported.upperBound)); run the same Thaw version on every host."
        case .payloadTooLarge(let length, let limit):
            return "Framing a message: payload of \(length) bytes exceeds the limit of \(limit) bytes; "
                + "raise FrameLimits.maximumPayloadBytes on both ends if such messages are intended."
        case .checksumMismatch(let stored, let computed):
            let storedHex = String(stored, radix: 16)
            let computedHex = String(computed, radix: 16)
            return "Decoding a frame: checksum mismatch (header says \(storedHex), contents give \(computedHex)); "
                + "the frame was corrupted in transit."
        case .truncatedPayload(let reading, let needed, let available):
            return "Reading \(reading) from a payload: needed \(needed) bytes but only \(available) remain; "
                + "the sender and receiver disagree on the message layout."
        case .invalidUTF8(let byteCount):
            return "Reading a string of \(byteCount) bytes from a payload: it is not valid UTF-8."
        case .trailingBytes(let count):
            return "Reading a payload: \(count) bytes were left over after the last field; "
                + "the sender and receiver disagree on the message layout."
        }
    }
}
