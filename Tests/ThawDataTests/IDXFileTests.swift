import Foundation
import ThawData
import XCTest

final class IDXFileTests: XCTestCase {
    private let header: [UInt8] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]
    private let body: [UInt8] = [1, 2, 3, 4, 5, 6]

    func testRawAndGzipCompressedFilesReadAlike() throws {
        let directory = try TestAssets.temporaryDirectory(for: self)
        let rawURL = directory.appendingPathComponent("raw-idx2-ubyte")
        let gzipURL = directory.appendingPathComponent("small-idx2-ubyte.gz")
        try Data(self.header + self.body).write(to: rawURL)
        try TestAssets.writeGzip(self.header + self.body, to: gzipURL)

        let raw = try IDXFile(contentsOf: rawURL)
        let compressed = try IDXFile(contentsOf: gzipURL)

        XCTAssertEqual(raw.dimensions, [2, 3])
        XCTAssertEqual(raw.bytes, self.body)
        XCTAssertEqual(compressed.dimensions, [2, 3])
        XCTAssertEqual(compressed.bytes, self.body)
    }

    func testTruncatedGzipCopyOfFashionMNISTThrowsNamingTheFile() throws {
        let source = try TestAssets.fashionMNIST().appendingPathComponent("t10k-images-idx3-ubyte.gz")
        let bytes = try Data(contentsOf: source)
        let copy = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("t10k-images-idx3-ubyte.gz")
        try bytes.prefix(bytes.count / 2).write(to: copy)

        XCTAssertThrowsError(try IDXFile(contentsOf: copy)) { error in
            guard case .truncated(let path, let expected, let actual) = error as? DataError else {
                return XCTFail("expected truncation, got \(error)")
            }
            XCTAssertEqual(path, copy.path)
            XCTAssertEqual(expected, 10_000 * 784)
            XCTAssertLessThan(actual, expected)
            XCTAssertTrue("\(error)".contains(copy.path))
            XCTAssertTrue("\(error)".contains("truncated"))
        }
    }

    func testCorruptedGzipCopyOfFashionMNISTThrowsNamingTheFile() throws {
        let source = try TestAssets.fashionMNIST().appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        var bytes = [UInt8](try Data(contentsOf: source))
        for offset in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) {
            bytes[offset] ^= 0x5A
        }
        let copy = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        try Data(bytes).write(to: copy)

        XCTAssertThrowsError(try IDXFile(contentsOf: copy)) { error in
            guard case .corruptCompression(let path, let cause) = error as? DataError else {
                return XCTFail("expected a corrupt stream, got \(error)")
            }
            XCTAssertEqual(path, copy.path)
            XCTAssertFalse(cause.isEmpty)
        }
    }

    func testFlippedChecksumIsCaughtAfterTheLastByte() throws {
        let directory = try TestAssets.temporaryDirectory(for: self)
        let url = directory.appendingPathComponent("checksum-idx2-ubyte.gz")
        try TestAssets.writeGzip(self.header + self.body, to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count - 8] ^= 0xFF
        try Data(bytes).write(to: url)

        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            guard case .corruptCompression(let path, _) = error as? DataError else {
                return XCTFail("expected a corrupt stream, got \(error)")
            }
            XCTAssertEqual(path, url.path)
        }
    }

    func testBadMagicThrows() throws {
        let url = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("text.txt")
        try Data("hello, world".utf8).write(to: url)

        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            XCTAssertEqual(error as? DataError, .badMagic(path: url.path, found: Array("hell".utf8)))
        }
    }

    func testFloatElementTypeIsReportedAsUnsupported() throws {
        let url = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("floats-idx1")
        try Data([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]).write(to: url)

        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            XCTAssertEqual(error as? DataError, .unsupportedElementType(path: url.path, typeCode: 0x0D))
        }
    }

    func testDataShorterThanTheHeaderAnnouncesIsTruncated() throws {
        let url = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("short-idx2-ubyte")
        try Data(self.header + self.body.prefix(4)).write(to: url)

        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            XCTAssertEqual(error as? DataError, .truncated(path: url.path, expectedBytes: 6, actualBytes: 4))
        }
    }

    func testBytesBeyondTheAnnouncedDataAreASizeMismatch() throws {
        let url = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("long-idx2-ubyte")
        try Data(self.header + self.body + [9]).write(to: url)

        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            guard case .sizeMismatch(let path, _) = error as? DataError else {
                return XCTFail("expected a size mismatch, got \(error)")
            }
            XCTAssertEqual(path, url.path)
        }
    }

    func testHugeDeclaredSizeThrowsWithoutAllocatingIt() throws {
        let url = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("huge-idx3-ubyte")
        try Data([0, 0, 8, 3, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2, 1, 2]).write(to: url)

        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            guard case .sizeMismatch(let path, _) = error as? DataError else {
                return XCTFail("expected a size mismatch, got \(error)")
            }
            XCTAssertEqual(path, url.path)
        }
    }

    func testMissingFileIsUnreadable() throws {
        let url = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("absent.gz")

        XCTAssertThrowsError(try IDXFile(contentsOf: url)) { error in
            guard case .unreadable(let path, _) = error as? DataError else {
                return XCTFail("expected unreadable, got \(error)")
            }
            XCTAssertEqual(path, url.path)
        }
    }
}
