/// Size limits a `FrameEncoder` and `FrameDecoder` enforce.
///
/// The decoder checks the announced payload length as soon as the header has arrived, before it buffers
/// anything for the payload, so a hostile or corrupted length never causes a large allocation.
public struct FrameLimits: Sendable, Equatable {
    /// The default limit on a payload: 512 MiB.
    public static let defaultMaximumPayloadBytes = 512 * 1024 * 1024

    /// Limits with the default maximum payload.
    public static let standard = FrameLimits(maximumPayloadBytes: FrameLimits.defaultMaximumPayloadBytes)

    /// The largest payload accepted, in bytes. Clamped to `0...UInt32.max`, the range the header can carry.
    public var maximumPayloadBytes: Int

    /// Limits with the given maximum payload in bytes.
    public init(maximumPayloadBytes: Int) {
        self.maximumPayloadBytes = min(max(maximumPayloadBytes, 0), Int(UInt32.max))
    }
}
