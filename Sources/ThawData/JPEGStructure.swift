/// Walks the markers of a JPEG stream to find its frame size and to check that it is complete.
///
/// libjpeg's memory source pads a stream that ends early with a fake end-of-image marker and
/// only warns, so a truncated file would otherwise decode "successfully" with its missing rows
/// filled in grey; the shim does not report warnings, so the decoder runs this walk instead.
/// Reading the frame size first also lets the decoder refuse an absurd size before libjpeg
/// allocates for it.
struct JPEGStructure {
    /// The frame's width and height from its start-of-frame segment, if one was found.
    private(set) var frameSize: (width: Int, height: Int)?

    /// Nil if the stream reaches an end-of-image marker (`FF D9`), otherwise where it stops.
    private(set) var problem: String?

    /// Inspects `data`, which starts with the `FF D8` start-of-image marker.
    init(_ data: [UInt8]) {
        var offset = 2

        while let markerOffset = Self.nextMarker(in: data, from: offset) {
            let marker = data[markerOffset]
            offset = markerOffset + 1
            if marker == 0xD9 {
                return
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                continue
            }

            guard offset + 2 <= data.count else {
                self.problem = "the stream ends inside the header of marker 0x\(String(marker, radix: 16)) (truncated)"
                return
            }
            let length = Int(data[offset]) << 8 | Int(data[offset + 1])
            guard length >= 2, offset + length <= data.count else {
                self.problem =
                    "segment 0x\(String(marker, radix: 16)) at byte \(markerOffset) needs \(length) bytes "
                    + "but the stream ends first (truncated)"
                return
            }

            if Self.isStartOfFrame(marker), length >= 7 {
                let height = Int(data[offset + 3]) << 8 | Int(data[offset + 4])
                let width = Int(data[offset + 5]) << 8 | Int(data[offset + 6])
                self.frameSize = (width, height)
            }
            offset += length

            if marker == 0xDA {
                offset = Self.endOfEntropyCodedData(in: data, from: offset)
            }
        }
        self.problem = "the stream ends after \(data.count) bytes without an end-of-image marker (truncated)"
    }

    /// SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
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
