import Foundation
import ThawData
import XCTest

/// The fixtures are made by `Fixtures/make_fixtures.py`; the pixel formulas below repeat its own.
final class ImageDecoderTests: XCTestCase {
    func testRGBPNGDecodesToItsExactPixels() throws {
        let image = try ImageDecoder.decode(try TestAssets.fixture("rgb-4x3.png"), name: "rgb-4x3.png")

        XCTAssertEqual([image.width, image.height, image.channels], [4, 3, 3])
        var expected: [UInt8] = []
        for y in 0..<3 {
            for x in 0..<4 {
                expected += [UInt8(x * 60), UInt8(y * 100), UInt8(200 - 50 * x)]
            }
        }
        XCTAssertEqual(image.pixels, expected)
    }

    func testGreyPNGStaysOneChannel() throws {
        let image = try ImageDecoder.decode(try TestAssets.fixture("grey-3x2.png"), name: "grey-3x2.png")

        XCTAssertEqual([image.width, image.height, image.channels], [3, 2, 1])
        XCTAssertEqual(image.pixels, [10, 50, 90, 110, 150, 190])
        XCTAssertEqual(image.expandedToRGB().pixels.prefix(6), [10, 10, 10, 50, 50, 50])
    }

    func testPNGAlphaIsDroppedNotComposited() throws {
        let image = try ImageDecoder.decode(try TestAssets.fixture("rgba-2x2.png"), name: "rgba-2x2.png")

        XCTAssertEqual([image.width, image.height, image.channels], [2, 2, 3])
        XCTAssertEqual(image.pixels, [10, 20, 30, 11, 20, 30, 10, 21, 30, 11, 21, 30])
    }

    func testRGBJPEGDecodesWithinJPEGTolerance() throws {
        let image = try ImageDecoder.decode(try TestAssets.fixture("rgb-16x8.jpg"), name: "rgb-16x8.jpg")

        XCTAssertEqual([image.width, image.height, image.channels], [16, 8, 3])
        for y in 0..<8 {
            for x in 0..<16 {
                let expected = [x * 16, y * 32, 128]
                for channel in 0..<3 {
                    let actual = Int(image.pixels[(y * 16 + x) * 3 + channel])
                    XCTAssertEqual(actual, expected[channel], accuracy: 6, "pixel (\(x), \(y)) channel \(channel)")
                }
            }
        }
    }

    func testGreyJPEGDecodesToOneChannelWithinJPEGTolerance() throws {
        let image = try ImageDecoder.decode(try TestAssets.fixture("grey-8x8.jpg"), name: "grey-8x8.jpg")

        XCTAssertEqual([image.width, image.height, image.channels], [8, 8, 1])
        for y in 0..<8 {
            for x in 0..<8 {
                XCTAssertEqual(Int(image.pixels[y * 8 + x]), 8 * (x + y) + 60, accuracy: 4, "pixel (\(x), \(y))")
            }
        }
    }

    func testTruncatedJPEGThrowsNamingTheFile() throws {
        let bytes = try TestAssets.fixture("rgb-16x8.jpg")

        for length in [3, 20, 200, bytes.count / 2, bytes.count - 2] {
            XCTAssertThrowsError(try ImageDecoder.decode(Array(bytes.prefix(length)), name: "cut.jpg")) { error in
                guard case .undecodableImage(let path, let format, _) = error as? DataError else {
                    return XCTFail("expected an undecodable JPEG at \(length) bytes, got \(error)")
                }
                XCTAssertEqual(path, "cut.jpg")
                XCTAssertEqual(format, "JPEG")
            }
        }
    }

    func testJPEGClaimingAHugeFrameIsRefusedBeforeDecoding() throws {
        var bytes = try TestAssets.fixture("rgb-16x8.jpg")
        let frame = try XCTUnwrap(bytes.indices.dropLast().first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes.replaceSubrange((frame + 5)..<(frame + 9), with: [0xFF, 0xF0, 0xFF, 0xF0])

        XCTAssertThrowsError(try ImageDecoder.decode(bytes, name: "huge.jpg")) { error in
            guard case .undecodableImage("huge.jpg", "JPEG", let cause) = error as? DataError else {
                return XCTFail("expected an undecodable JPEG, got \(error)")
            }
            XCTAssertTrue(cause.contains("65520x65520"), cause)
        }
    }

    func testTruncatedPNGThrowsNamingTheFile() throws {
        let bytes = try TestAssets.fixture("rgb-4x3.png")

        for length in [8, 20, 40, 60, bytes.count - 14] {
            XCTAssertThrowsError(try ImageDecoder.decode(Array(bytes.prefix(length)), name: "cut.png")) { error in
                guard case .undecodableImage(let path, let format, let cause) = error as? DataError else {
                    return XCTFail("expected an undecodable PNG at \(length) bytes, got \(error)")
                }
                XCTAssertEqual(path, "cut.png")
                XCTAssertEqual(format, "PNG")
                XCTAssertFalse(cause.isEmpty)
            }
        }
    }

    func testPNGWithABadChecksumThrows() throws {
        var bytes = try TestAssets.fixture("rgb-4x3.png")
        bytes[16] ^= 0x01

        XCTAssertThrowsError(try ImageDecoder.decode(bytes, name: "crc.png")) { error in
            guard case .undecodableImage(let path, "PNG", _) = error as? DataError else {
                return XCTFail("expected an undecodable PNG, got \(error)")
            }
            XCTAssertEqual(path, "crc.png")
        }
    }

    func testBytesThatAreNoImageAreRejected() {
        XCTAssertThrowsError(try ImageDecoder.decode(Array("not an image".utf8), name: "notes.txt")) { error in
            XCTAssertEqual(error as? DataError, .unrecognisedImageFormat(path: "notes.txt"))
        }
    }

    /// The expected values come from `Fixtures/png_oracle.py`, a standard-library PNG decoder.
    func testChelseaDecodesToTheIndependentOraclePixels() throws {
        let url = try TestAssets.cached("images/chelsea.png")

        let image = try ImageDecoder.decode([UInt8](try Data(contentsOf: url)), name: url.path)

        XCTAssertEqual([image.width, image.height, image.channels], [451, 300, 3])
        XCTAssertEqual(Self.adler32(image.pixels), 2_092_322_700)
        let samples: [(x: Int, y: Int, rgb: [UInt8])] = [
            (0, 0, [143, 120, 104]), (450, 0, [45, 27, 13]), (0, 299, [139, 103, 71]),
            (450, 299, [162, 138, 128]), (225, 150, [190, 150, 124]), (100, 200, [159, 115, 90]),
        ]
        for sample in samples {
            let index = (sample.y * 451 + sample.x) * 3
            XCTAssertEqual(Array(image.pixels[index..<(index + 3)]), sample.rgb, "pixel (\(sample.x), \(sample.y))")
        }
    }

    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var low: UInt32 = 1
        var high: UInt32 = 0
        for byte in bytes {
            low = (low + UInt32(byte)) % 65_521
            high = (high + low) % 65_521
        }
        return high << 16 | low
    }
}
