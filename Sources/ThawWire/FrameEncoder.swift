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
        let header = try frame.payload.withUnsafeBytes { payload in
            Result { () throws(WireError) in try self.encodeHeader(frame.header, payload: [payload]) }
        }.get()

        bytes.reserveCapacity(bytes.count + FrameHeader.byteCount + frame.payload.count)
        bytes.append(contentsOf: header)
        bytes.append(contentsOf: frame.payload)
    }

    /// The 40 header bytes of a frame whose payload is the concatenation of `parts`, checksum included, so
    /// that the parts can be written after it from where they lie, without being copied into one buffer.
    ///
    /// - Throws: `WireError.payloadTooLarge` when the parts together exceed `limits`.
    public func encodeHeader(_ header: FrameHeader, payload parts: [UnsafeRawBufferPointer]) throws(WireError)
        -> [UInt8]
    {
        let payloadLength = parts.reduce(0) { $0 + $1.count }
        guard payloadLength <= self.limits.maximumPayloadBytes else {
            throw .payloadTooLarge(length: UInt64(payloadLength), limit: self.limits.maximumPayloadBytes)
        }

        var writer = BinaryWriter(reservingCapacity: FrameHeader.byteCount)
        writer.write(bytes: FrameHeader.magic)
        writer.write(header.version)
        writer.write(header.messageType)
        writer.write(header.runID)
        writer.write(header.generation)
        writer.write(header.step)
        writer.write(UInt32(payloadLength))

        let checksum = writer.bytes.withUnsafeBytes { prefix in
            FrameChecksum.compute(headerPrefix: prefix, payload: parts)
        }
        writer.write(checksum)
        return writer.bytes
    }
}
