import CThawChecksum

/// The CRC-32 a frame carries: zlib's CRC-32 over the first 36 header bytes and then the payload.
///
/// Large payloads are folded with carry-less multiplication (`thaw_crc32`), which gives zlib's result
/// several times faster than zlib's own loop; the checksum on the wire is unchanged.
enum FrameChecksum {
    /// The checksum of `headerPrefix` (the header without its checksum field) followed by `payload`.
    static func compute(headerPrefix: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> UInt32 {
        Self.compute(headerPrefix: headerPrefix, payload: [payload])
    }

    /// The checksum of `headerPrefix` followed by the concatenation of `payload`'s parts.
    static func compute(headerPrefix: UnsafeRawBufferPointer, payload parts: [UnsafeRawBufferPointer]) -> UInt32 {
        var crc = thaw_crc32(0, headerPrefix.baseAddress, headerPrefix.count)

        for part in parts {
            crc = thaw_crc32(crc, part.baseAddress, part.count)
        }
        return crc
    }
}
