import ThawWire
import XCTest

final class FrameCodecTests: XCTestCase {
    private let header = FrameHeader(messageType: 7, runID: 0x0102_0304_0506_0708, generation: 3, step: 99)

    func testEncodedHeaderHasDocumentedBigEndianLayout() throws {
        let bytes = try FrameEncoder().encode(Frame(header: self.header, payload: [0xAA, 0xBB]))

        XCTAssertEqual(bytes.count, 42)
        XCTAssertEqual(Array(bytes[0..<4]), Array("THAW".utf8))
        XCTAssertEqual(Array(bytes[4..<8]), [0, 1, 0, 7])
        XCTAssertEqual(Array(bytes[8..<16]), [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(Array(bytes[16..<24]), [0, 0, 0, 0, 0, 0, 0, 3])
        XCTAssertEqual(Array(bytes[24..<32]), [0, 0, 0, 0, 0, 0, 0, 99])
        XCTAssertEqual(Array(bytes[32..<36]), [0, 0, 0, 2])
        XCTAssertEqual(Array(bytes[40...]), [0xAA, 0xBB])
    }

    func testFramesFedOneByteAtATimeDecodeToTheOriginals() throws {
        let frames = [
            Frame(header: self.header),
            Frame(header: self.header, payload: Array(0..<200)),
            Frame(header: FrameHeader(messageType: 1, runID: 5, generation: 0, step: .max), payload: [1]),
        ]
        var stream: [UInt8] = []
        for frame in frames {
            try FrameEncoder().encode(frame, appendingTo: &stream)
        }

        var decoder = FrameDecoder()
        var decoded: [Frame] = []
        for byte in stream {
            decoder.append(contentsOf: [byte])
            while let frame = try decoder.nextFrame() {
                decoded.append(frame)
            }
        }

        XCTAssertEqual(decoded, frames)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testIncompleteFrameYieldsNothingUntilTheRestArrives() throws {
        let bytes = try FrameEncoder().encode(Frame(header: self.header, payload: [1, 2, 3]))
        var decoder = FrameDecoder()

        decoder.append(contentsOf: bytes[0..<41])
        XCTAssertNil(try decoder.nextFrame())

        decoder.append(contentsOf: bytes[41...])
        XCTAssertEqual(try decoder.nextFrame()?.payload, [1, 2, 3])
    }

    func testWrongMagicIsReportedAtTheFirstDifferingByte() {
        var decoder = FrameDecoder()
        decoder.append(contentsOf: Array("THEY".utf8))

        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? WireError, .badMagic(received: Array("THE".utf8)))
        }
    }

    func testUnsupportedVersionNamesBothVersions() throws {
        let future = FrameHeader(messageType: 1, runID: 1, generation: 1, step: 1, version: 9)
        var decoder = FrameDecoder()
        decoder.append(contentsOf: try FrameEncoder().encode(Frame(header: future)).prefix(6))

        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? WireError, .unsupportedVersion(received: 9, supported: 1...1))
            XCTAssertTrue("\(error)".contains("version 9"))
            XCTAssertTrue("\(error)".contains("supported 1...1"))
        }
    }

    func testOversizeLengthIsRejectedBeforeThePayloadArrives() throws {
        let limits = FrameLimits(maximumPayloadBytes: 16)
        let bytes = try FrameEncoder().encode(Frame(header: self.header, payload: Array(repeating: 0, count: 17)))
        var decoder = FrameDecoder(limits: limits)
        decoder.append(contentsOf: bytes.prefix(FrameHeader.byteCount))

        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? WireError, .payloadTooLarge(length: 17, limit: 16))
        }
    }

    func testEncoderRefusesPayloadOverTheLimit() {
        let encoder = FrameEncoder(limits: FrameLimits(maximumPayloadBytes: 4))

        XCTAssertThrowsError(try encoder.encode(Frame(header: self.header, payload: [1, 2, 3, 4, 5]))) { error in
            XCTAssertEqual(error as? WireError, .payloadTooLarge(length: 5, limit: 4))
        }
    }

    func testCorruptedPayloadByteFailsTheChecksumAndTheErrorSticks() throws {
        var bytes = try FrameEncoder().encode(Frame(header: self.header, payload: [10, 20, 30]))
        bytes[41] ^= 0x01
        var decoder = FrameDecoder()
        decoder.append(contentsOf: bytes)

        var first: WireError?
        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            first = error as? WireError
        }
        guard case .checksumMismatch(let stored, let computed) = first else {
            return XCTFail("expected a checksum mismatch, got \(String(describing: first))")
        }
        XCTAssertNotEqual(stored, computed)

        decoder.append(contentsOf: try FrameEncoder().encode(Frame(header: self.header)))
        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? WireError, first)
        }
    }

    func testCorruptedRunIDFailsTheChecksum() throws {
        var bytes = try FrameEncoder().encode(Frame(header: self.header, payload: [1]))
        bytes[15] ^= 0x80
        var decoder = FrameDecoder()
        decoder.append(contentsOf: bytes)

        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            guard case .checksumMismatch = error as? WireError else {
                return XCTFail("expected a checksum mismatch, got \(error)")
            }
        }
    }
}
