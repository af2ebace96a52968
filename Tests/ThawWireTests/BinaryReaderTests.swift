import ThawWire
import XCTest

final class BinaryReaderTests: XCTestCase {
    func testEveryFieldWrittenIsReadBackInOrder() throws {
        var writer = BinaryWriter()
        writer.write(UInt8(0xFE))
        writer.write(UInt16(0xBEEF))
        writer.write(Int32(-5))
        writer.write(UInt64.max - 1)
        writer.write(true)
        writer.write(Float(-1.5))
        writer.write(Double.pi)
        writer.write("grüße, worker-3")
        writer.write(lengthPrefixed: [9, 8, 7])
        writer.write(floats: [0, 1.25, -.infinity, .leastNonzeroMagnitude])

        var reader = BinaryReader(writer.bytes)
        XCTAssertEqual(try reader.read(UInt8.self), 0xFE)
        XCTAssertEqual(try reader.read(UInt16.self), 0xBEEF)
        XCTAssertEqual(try reader.read(Int32.self), -5)
        XCTAssertEqual(try reader.read(UInt64.self), UInt64.max - 1)
        XCTAssertEqual(try reader.read(Bool.self), true)
        XCTAssertEqual(try reader.read(Float.self), -1.5)
        XCTAssertEqual(try reader.read(Double.self), Double.pi)
        XCTAssertEqual(try reader.read(String.self), "grüße, worker-3")
        XCTAssertEqual(try reader.readLengthPrefixedBytes(), [9, 8, 7])
        XCTAssertEqual(try reader.readFloats(), [0, 1.25, -.infinity, .leastNonzeroMagnitude])
        XCTAssertNoThrow(try reader.expectEnd())
    }

    func testIntegersAreBigEndianAndFloatArraysLittleEndian() {
        var writer = BinaryWriter()
        writer.write(UInt32(0x0102_0304))
        writer.write(floats: [Float(bitPattern: 0x0A0B_0C0D)])

        XCTAssertEqual(writer.bytes, [1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0x0D, 0x0C, 0x0B, 0x0A])
    }

    func testShortPayloadThrowsNamingWhatWasBeingRead() {
        var reader = BinaryReader([0, 1, 2])

        XCTAssertThrowsError(try reader.read(UInt32.self)) { error in
            XCTAssertEqual(error as? WireError, .truncatedPayload(reading: "UInt32", needed: 4, available: 3))
        }
        XCTAssertEqual(reader.offset, 0)
    }

    func testHugeFloatCountThrowsWithoutAllocating() {
        var writer = BinaryWriter()
        writer.write(UInt64.max)
        writer.write(floats: [1])
        var reader = BinaryReader(writer.bytes)

        XCTAssertThrowsError(try reader.readFloats()) { error in
            guard case .truncatedPayload(_, let needed, let available) = error as? WireError else {
                return XCTFail("expected a truncated payload, got \(error)")
            }
            XCTAssertEqual(needed, .max)
            XCTAssertEqual(available, 12)
        }
    }

    func testStringLengthBeyondPayloadThrows() {
        var reader = BinaryReader([0, 0, 1, 0, 65, 66])

        XCTAssertThrowsError(try reader.read(String.self)) { error in
            XCTAssertEqual(error as? WireError, .truncatedPayload(reading: "256 raw bytes", needed: 256, available: 2))
        }
    }

    func testInvalidUTF8StringThrows() {
        var reader = BinaryReader([0, 0, 0, 2, 0xC3, 0x28])

        XCTAssertThrowsError(try reader.read(String.self)) { error in
            XCTAssertEqual(error as? WireError, .invalidUTF8(byteCount: 2))
        }
    }

    func testLeftoverBytesAreReported() throws {
        var reader = BinaryReader([0, 7, 1, 2])
        XCTAssertEqual(try reader.read(UInt16.self), 7)

        XCTAssertThrowsError(try reader.expectEnd()) { error in
            XCTAssertEqual(error as? WireError, .trailingBytes(count: 2))
        }
    }
}
