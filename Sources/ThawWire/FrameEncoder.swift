/// Turns frames into bytes in the layout `FrameHeader` documents.
public struct FrameEncoder: Sendable {
    /// The limits enforced on every frame encoded.
    public let limits: FrameLimits

    /// An encoder enforcing `limits`.
    public init(limits: FrameLimits = .standard) {
        self.limits = limits
    }

    /// The bytes of `frame`: a 40-byte header followed by the payload.
    ///
    /// - Throws: `WireError.payloadTooLarge` when the payload exceeds `limits`.
    /// - Complexity: O(payload length), one checksum pass and one copy.
    public func encode(_ frame: Frame) throws(WireError) -> [UInt8] {
        var bytes: [UInt8] = []
        try self.encode(frame, appendingTo: &bytes)
        return bytes
    }

    /// Appends the bytes of `frame` to `bytes`.
    ///
    /// - Throws: `WireError.payloadTooLarge` when the payload exceeds `limits`; `bytes` is then unchanged.
    public func encode(_ frame: Frame, appendingTo bytes: inout [UInt8]) throws(WireError) {
        guard frame.payload.count <= self.limits.maximumPayloadBytes else {
            throw .payloadTooLarge(length: UInt64(frame.payload.count), limit: self.limits.maximumPayloadBytes)
        }

        var header = BinaryWriter(reservingCapacity: FrameHeader.byteCount)
        header.write(bytes: FrameHeader.magic)
        header.write(frame.header.version)
        header.write(frame.header.messageType)
        header.write(frame.header.runID)
        header.write(frame.header.generation)
        header.write(frame.header.step)
        header.write(UInt32(frame.payload.count))

        let checksum = header.bytes.withUnsafeBytes { prefix in
            frame.payload.withUnsafeBytes { payload in
                FrameChecksum.compute(headerPrefix: prefix, payload: payload)
            }
        }
        header.write(checksum)

        bytes.reserveCapacity(bytes.count + FrameHeader.byteCount + frame.payload.count)
        bytes.append(contentsOf: header.bytes)
        bytes.append(contentsOf: frame.payload)
    }
}
