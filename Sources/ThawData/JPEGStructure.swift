/// Checks that a JPEG stream is complete, by walking its markers to the end-of-image marker.
///
/// libjpeg's memory source pads a stream that ends early with a fake end-of-image marker and
/// only warns, so a truncated file would otherwise decode "successfully" with its missing rows
/// filled in grey. The shim does not report warnings, so the decoder runs this walk instead.
enum JPEGStructure {
    /// Nil if the stream reaches an end-of-image marker (`FF D9`), otherwise a description of
    /// where it stops.
    static func problem(in data: [UInt8]) -> String? {
        var offset = 2

        while offset < data.count {
            guard let markerOffset = Self.nextMarker(in: data, from: offset) else {
                return "the stream ends after \(data.count) bytes without an end-of-image marker (truncated)"
            }
            let marker = data[markerOffset]
            offset = markerOffset + 1

            if marker == 0xD9 {
                return nil
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                continue
            }

            guard offset + 2 <= data.count else {
                return "the stream ends inside the header of marker 0x\(String(marker, radix: 16)) (truncated)"
            }
            let length = Int(data[offset]) << 8 | Int(data[offset + 1])
            guard length >= 2, offset + length <= data.count else {
                return "segment 0x\(String(marker, radix: 16)) at byte \(markerOffset) needs \(length) bytes "
                    + "but the stream ends first (truncated)"
            }
            offset += length

            if marker == 0xDA {
                offset = Self.endOfEntropyCodedData(in: data, from: offset)
            }
        }
        return "the stream ends after \(data.count) bytes without an end-of-image marker (truncated)"
    }

    /// The offset of the marker code after the next `FF` (skipping fill bytes), or nil at the end.
    private static func nextMarker(in data: [UInt8], from start: Int) -> Int? {
        var offset = start
        while offset < data.count, data[offset] != 0xFF {
            offset += 1
        }
        while offset < data.count, data[offset] == 0xFF {
            offset += 1
        }
        return offset < data.count ? offset : nil
    }

    /// Skips scan data, in which `FF 00` is a stuffed byte and `FF D0`-`FF D7` are restart
    /// markers; returns the offset of the `FF` that starts the next real marker, or the end.
    private static func endOfEntropyCodedData(in data: [UInt8], from start: Int) -> Int {
        var offset = start
        while offset + 1 < data.count {
            let next = data[offset + 1]
            if data[offset] == 0xFF, next != 0x00, next != 0xFF, !(0xD0...0xD7).contains(next) {
                return offset
            }
            offset += 1
        }
        return data.count
    }
}
