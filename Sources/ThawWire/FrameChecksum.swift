import CZlib

/// The CRC-32 a frame carries, computed with zlib over the first 36 header bytes and then the payload.
enum FrameChecksum {
    /// The checksum of `headerPrefix` (the header without its checksum field) followed by `payload`.
    static func compute(headerPrefix: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> UInt32 {
        var crc = crc32(0, nil, 0)

        crc = Self.update(crc, with: headerPrefix)

        crc = Self.update(crc, with: payload)

        return UInt32(truncatingIfNeeded: crc)
    }

    /// Extends `crc` over `bytes`, in pieces no larger than zlib's `uInt` can express.
    private static func update(_ crc: uLong, with bytes: UnsafeRawBufferPointer) -> uLong {
        var crc = crc
        var offset = 0
        while offset < bytes.count {
            let piece = min(bytes.count - offset, Int(UInt32.max))
            let start = bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self)
            crc = crc32(crc, start, uInt(piece))
            offset += piece
        }
        return crc
    }
}
