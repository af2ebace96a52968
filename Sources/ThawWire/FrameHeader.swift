/// The routing fields every Thaw message carries, ahead of its payload.
///
/// On the wire a header is 40 bytes, all integers big-endian:
///
/// | Offset | Size | Field |
/// | --- | --- | --- |
/// | 0 | 4 | magic, the ASCII bytes "THAW" |
/// | 4 | 2 | protocol version |
/// | 6 | 2 | message type |
/// | 8 | 8 | run id |
/// | 16 | 8 | membership generation |
/// | 24 | 8 | step |
/// | 32 | 4 | payload length in bytes |
/// | 36 | 4 | CRC-32 (zlib) of bytes 0..<36 followed by the payload |
///
/// The run id, generation and step let a receiver reject stale messages; the message type's meaning belongs
/// to the layer that defines the messages.
public struct FrameHeader: Sendable, Equatable, Hashable {
    /// The magic that opens every frame: "THAW".
    public static let magic: [UInt8] = Array("THAW".utf8)

    /// The protocol version this build writes.
    public static let currentVersion: UInt16 = 1

    /// The protocol versions this build reads.
    public static let supportedVersions: ClosedRange<UInt16> = 1...1

    /// The size of an encoded header in bytes.
    public static let byteCount = 40

    /// The number of leading header bytes the checksum covers (everything but the checksum itself).
    static let checksummedByteCount = 36

    /// The protocol version the frame was written with.
    public var version: UInt16

    /// The kind of message, as defined by the layer above.
    public var messageType: UInt16

    /// The run the message belongs to.
    public var runID: UInt64

    /// The membership generation the sender was in.
    public var generation: UInt64

    /// The training step the message concerns.
    public var step: UInt64

    /// A header for a message of `messageType` in run `runID`, membership `generation`, at `step`.
    public init(
        messageType: UInt16,
        runID: UInt64,
        generation: UInt64,
        step: UInt64,
        version: UInt16 = FrameHeader.currentVersion
    ) {
        self.version = version
        self.messageType = messageType
        self.runID = runID
        self.generation = generation
        self.step = step
    }
}
