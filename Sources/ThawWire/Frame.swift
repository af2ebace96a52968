/// One framed message: a header and an opaque payload.
///
/// Payloads are built and parsed with `BinaryWriter` and `BinaryReader`; a frame is turned into bytes by a
/// `FrameEncoder` and back by a `FrameDecoder`.
public struct Frame: Sendable, Equatable {
    /// The routing fields.
    public var header: FrameHeader

    /// The message body; at most `FrameLimits.maximumPayloadBytes` long when encoded.
    public var payload: [UInt8]

    /// A frame with the given header and payload.
    public init(header: FrameHeader, payload: [UInt8] = []) {
        self.header = header
        self.payload = payload
    }
}
