import CThawChecksum
import CZlib
import XCTest

/// The folded CRC-32 must be zlib's, bit for bit, at every length, alignment and starting value.
final class FrameChecksumTests: XCTestCase {
    private func zlibCRC(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(
            truncatingIfNeeded: crc32_z(uLong(crc), bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), bytes.count)
        )
    }

    func testFoldedCRCMatchesZlibAtEveryLengthAndAlignment() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = Array(0...300) + [511, 512, 513, 1023, 4096, 4099, 4990]
        bytes.withUnsafeBytes { all in
            for offset in 0..<4 {
                for length in lengths where offset + length <= all.count {
                    let slice = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    for start: UInt32 in [0, 0x1234_5678, 0xFFFF_FFFF] {
                        XCTAssertEqual(
                            thaw_crc32(start, slice.baseAddress, slice.count), self.zlibCRC(start, slice),
                            "length \(length), offset \(offset), start \(start)")
                    }
                }
            }
        }
    }

    func testChainedCRCEqualsTheCRCOfTheWhole() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        bytes.withUnsafeBytes { all in
            let whole = thaw_crc32(0, all.baseAddress, all.count)
            for cut in [0, 1, 36, 64, 127, 128, 4097, 9_999, 10_000] {
                let head = thaw_crc32(0, all.baseAddress, cut)
                let chained = thaw_crc32(head, all.baseAddress! + cut, all.count - cut)
                XCTAssertEqual(chained, whole, "cut at \(cut)")
            }
            XCTAssertEqual(whole, self.zlibCRC(0, all))
        }
    }

    func testEmptyInputLeavesTheCRCUnchanged() {
        XCTAssertEqual(thaw_crc32(0xDEAD_BEEF, nil, 0), 0xDEAD_BEEF)
        XCTAssertEqual(thaw_crc32(0, nil, 0), 0)
    }
}
