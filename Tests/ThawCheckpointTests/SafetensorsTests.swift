import Foundation
import Glibc
import ThawCheckpoint
import ThawTensor
import XCTest

final class SafetensorsTests: XCTestCase {
    // MARK: - Round trip

    func testRoundTripPreservesNamesOrderShapesValuesAndMetadata() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("model.safetensors")
        var generator = SeededGenerator(state: 7)
        let weights = (0..<24).map { _ in Float.random(in: -1...1, using: &generator) }
        let tensors: [(name: String, tensor: Tensor)] = [
            ("conv.weight", Tensor(shape: [2, 3, 4, 1], scalars: weights)),
            ("step", Tensor(shape: [], scalars: [42])),
            ("empty", Tensor(shape: [0, 5], scalars: [])),
            ("bias", Tensor(shape: [3], scalars: [-0.0, .infinity, .leastNonzeroMagnitude])),
        ]
        let metadata = ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t bell \u{7} é"]

        try Safetensors.write(tensors, metadata: metadata, to: url)
        let file = try Safetensors.read(from: url)

        XCTAssertEqual(file.tensors.map(\.name), ["conv.weight", "step", "empty", "bias"])
        XCTAssertEqual(file.tensors.map(\.tensor.shape), [[2, 3, 4, 1], [], [0, 5], [3]])
        XCTAssertEqual(file["conv.weight"]?.scalars.map(\.bitPattern), weights.map(\.bitPattern))
        XCTAssertEqual(file["step"]?.scalars, [42])
        XCTAssertEqual(file["empty"]?.count, 0)
        let special: [Float] = [-0.0, .infinity, .leastNonzeroMagnitude]
        XCTAssertEqual(file["bias"]?.scalars.map(\.bitPattern), special.map(\.bitPattern))
        XCTAssertNil(file["missing"])
        XCTAssertEqual(file.metadata, metadata)
    }

    func testWrittenFileHasAlignedHeaderAndLittleEndianFloat32Data() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("one.safetensors")

        try Safetensors.write([("x", Tensor(shape: [2], scalars: [1, -2]))], metadata: [:], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))

        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual((8 + headerLength) % 8, 0)
        XCTAssertEqual(bytes.count, 8 + headerLength + 8)
        let header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self)
        XCTAssertEqual(
            header.trimmingCharacters(in: .whitespaces),
            #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#)
        XCTAssertEqual(Array(bytes[(8 + headerLength)...]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testReadConvertsEveryStoredElementType() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("types.safetensors")
        let header = """
            {"f64":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},\
            "i64":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},\
            "i32":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},\
            "f16":{"dtype":"F16","shape":[3],"data_offsets":[20,26]},\
            "bf16":{"dtype":"BF16","shape":[2],"data_offsets":[26,30]},\
            "u8":{"dtype":"U8","shape":[2],"data_offsets":[30,32]}}
            """
        var data: [UInt8] = []
        data += withUnsafeBytes(of: (0.25 as Double).bitPattern.littleEndian, Array.init)
        data += withUnsafeBytes(of: Int64(-5).littleEndian, Array.init)
        data += withUnsafeBytes(of: Int32(7).littleEndian, Array.init)
        data += [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38]  // F16 1.0, -2.0, 0.5
        data += [0x80, 0x3F, 0x40, 0xC0]  // BF16 1.0, -3.0
        data += [255, 3]
        try Self.makeFile(header: header, data: data).write(to: url)

        let file = try Safetensors.read(from: url)

        XCTAssertEqual(file.tensors.map(\.name), ["f64", "i64", "i32", "f16", "bf16", "u8"])
        XCTAssertEqual(file["f64"]?.scalars, [0.25])
        XCTAssertEqual(file["i64"]?.scalars, [-5])
        XCTAssertEqual(file["i32"]?.scalars, [7])
        XCTAssertEqual(file["f16"]?.scalars, [1, -2, 0.5])
        XCTAssertEqual(file["bf16"]?.scalars, [1, -3])
        XCTAssertEqual(file["u8"]?.scalars, [255, 3])
        XCTAssertEqual(file.metadata, [:])
    }

    // MARK: - Atomic write

    func testFailedWriteLeavesTheOldFileIntactAndNoTemporaryFile() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("model.safetensors")
        try Safetensors.write([("a", Tensor(shape: [2], scalars: [1, 2]))], metadata: ["version": "1"], to: url)
        let before = try Data(contentsOf: url)

        // The kernel refuses writes past RLIMIT_FSIZE with EFBIG (SIGXFSZ ignored), so the
        // 400 KB tensor fails part-way through the temporary file, as a full disk would.
        let large = Tensor(shape: [100_000], repeating: 3)
        let error = Self.withFileSizeLimit(64 * 1024) {
            Result { try Safetensors.write([("a", large)], metadata: ["version": "2"], to: url) }
        }

        guard case .failure(let failure) = error,
            case .fileSystem(let operation, let path, let reason)? =
                failure as? CheckpointError
        else {
            return XCTFail("expected a file system error, got \(error)")
        }
        XCTAssertEqual(operation, "Safetensors.write: write")
        XCTAssertTrue(path.hasPrefix(folder.path + "/.model.safetensors."), path)
        XCTAssertEqual(reason, String(cString: strerror(EFBIG)))
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try TestFiles.contents(of: folder), ["model.safetensors"])
        XCTAssertEqual(try Safetensors.read(from: url).metadata, ["version": "1"])
    }

    func testFailedRenameRemovesTheTemporaryFileAndKeepsTheDestination() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let destination = folder.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: destination.appendingPathComponent("inside.txt"))

        XCTAssertThrowsError(
            try Safetensors.write([("a", Tensor(shape: [1], scalars: [1]))], metadata: [:], to: destination)
        ) { error in
            guard case .fileSystem(let operation, let path, _)? = error as? CheckpointError else {
                return XCTFail("expected a file system error, got \(error)")
            }
            XCTAssertEqual(operation, "Safetensors.write: rename temporary file over destination")
            XCTAssertEqual(path, destination.path)
        }

        XCTAssertEqual(try TestFiles.contents(of: folder), ["taken"])
        XCTAssertEqual(try Data(contentsOf: destination.appendingPathComponent("inside.txt")), Data("keep".utf8))
    }

    func testWriteRefusesDuplicateAndReservedNamesWithoutCreatingFiles() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("bad.safetensors")
        let one = Tensor(shape: [1], scalars: [1])

        XCTAssertThrowsError(try Safetensors.write([("a", one), ("a", one)], metadata: [:], to: url)) { error in
            XCTAssertEqual(
                error as? CheckpointError,
                .invalidRequest(operation: "Safetensors.write", path: url.path, reason: "tensor name 'a' appears twice")
            )
        }
        XCTAssertThrowsError(try Safetensors.write([("__metadata__", one)], metadata: [:], to: url))
        XCTAssertEqual(try TestFiles.contents(of: folder), [])
    }

    // MARK: - Malformed files

    func testEveryTruncationOfAValidFileThrows() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("whole.safetensors")
        let tensors: [(name: String, tensor: Tensor)] = [
            ("w", Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])), ("b", Tensor(shape: [1], scalars: [5])),
        ]
        try Safetensors.write(tensors, metadata: ["k": "v"], to: url)
        let bytes = try Data(contentsOf: url)
        let truncated = folder.appendingPathComponent("truncated.safetensors")

        for length in 0..<bytes.count {
            try bytes.prefix(length).write(to: truncated)
            XCTAssertThrowsError(try Safetensors.read(from: truncated), "prefix of \(length) bytes") { error in
                guard case .malformedSafetensors(let path, _)? = error as? CheckpointError else {
                    return XCTFail("expected malformedSafetensors for \(length) bytes, got \(error)")
                }
                XCTAssertEqual(path, truncated.path)
            }
        }
    }

    func testHeaderLengthBeyondTheFileThrows() throws {
        var bytes = [UInt8](Self.makeFile(header: "{}", data: []))
        bytes[0] = 200
        let reason = try self.readFailure(of: Data(bytes))
        XCTAssertTrue(reason.contains("header length 200 runs past the end"), reason)

        bytes[7] = 0x7F
        let huge = try self.readFailure(of: Data(bytes))
        XCTAssertTrue(huge.contains("exceeds the limit"), huge)
    }

    func testInvalidJSONHeaderThrows() throws {
        let reason = try self.readFailure(of: Self.makeFile(header: #"{"a": {"dtype": "F32", "shape": [1],"#, data: []))
        XCTAssertTrue(reason.contains("not valid JSON"), reason)

        let notObject = try self.readFailure(of: Self.makeFile(header: "[1, 2]", data: []))
        XCTAssertTrue(notObject.contains("does not start with '{'"), notObject)
    }

    func testOffsetsOutOfRangeOverlappingOrLeavingGapsThrow() throws {
        let beyond = #"{"a":{"dtype":"F32","shape":[100],"data_offsets":[0,400]}}"#
        let beyondReason = try self.readFailure(
            of: Self.makeFile(header: beyond, data: [UInt8](repeating: 0, count: 8)))
        XCTAssertTrue(beyondReason.contains("cover 400 bytes but the data buffer holds 8"), beyondReason)

        let overlap = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """
        let overlapReason = try self.readFailure(
            of: Self.makeFile(header: overlap, data: [UInt8](repeating: 0, count: 12)))
        XCTAssertTrue(overlapReason.contains("'b' at data_offsets [4, 12] overlaps"), overlapReason)

        let gap = """
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
            """
        let gapReason = try self.readFailure(of: Self.makeFile(header: gap, data: [UInt8](repeating: 0, count: 12)))
        XCTAssertTrue(gapReason.contains("leaves a gap"), gapReason)

        let negative = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#
        let negativeReason = try self.readFailure(of: Self.makeFile(header: negative, data: []))
        XCTAssertTrue(negativeReason.contains("no data_offsets"), negativeReason)
    }

    func testShapeAndByteCountMismatchThrows() throws {
        let header = #"{"a":{"dtype":"F64","shape":[3],"data_offsets":[0,12]}}"#
        let reason = try self.readFailure(of: Self.makeFile(header: header, data: [UInt8](repeating: 0, count: 12)))
        XCTAssertTrue(reason.contains("needs 24 bytes"), reason)

        let fractional = #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#
        let fractionalReason = try self.readFailure(of: Self.makeFile(header: fractional, data: [0, 0, 0, 0]))
        XCTAssertTrue(fractionalReason.contains("no shape"), fractionalReason)
    }

    func testNonStringMetadataAndUnknownDTypeThrow() throws {
        let metadata = #"{"__metadata__":{"epoch":3}}"#
        let metadataReason = try self.readFailure(of: Self.makeFile(header: metadata, data: []))
        XCTAssertTrue(metadataReason.contains("'epoch' is not a string"), metadataReason)

        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("i8.safetensors")
        try Self.makeFile(header: #"{"q":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#, data: [1]).write(to: url)
        XCTAssertThrowsError(try Safetensors.read(from: url)) { error in
            XCTAssertEqual(
                error as? CheckpointError, .unsupportedElementType(path: url.path, tensor: "q", elementType: "I8"))
        }
    }

    func testMissingFileThrowsFileSystemError() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("absent.safetensors")

        XCTAssertThrowsError(try Safetensors.read(from: url)) { error in
            guard case .fileSystem(let operation, let path, _)? = error as? CheckpointError else {
                return XCTFail("expected a file system error, got \(error)")
            }
            XCTAssertEqual(operation, "Safetensors.read")
            XCTAssertEqual(path, url.path)
        }
    }

    // MARK: - Helpers

    /// A safetensors file with `header` (padded to 8-byte alignment) followed by `data`.
    static func makeFile(header: String, data: [UInt8]) -> Data {
        var json = Array(header.utf8)
        while (8 + json.count) % 8 != 0 {
            json.append(UInt8(ascii: " "))
        }
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init)
        bytes += json + data
        return Data(bytes)
    }

    /// Writes `contents` to a file, reads it and returns the `malformedSafetensors` reason.
    private func readFailure(of contents: Data) throws -> String {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("malformed.safetensors")
        try contents.write(to: url)

        do {
            let file = try Safetensors.read(from: url)
            XCTFail("expected an error, read \(file.tensors.map(\.name))")
            return ""
        } catch CheckpointError.malformedSafetensors(let path, let reason) {
            XCTAssertEqual(path, url.path)
            XCTAssertTrue(
                "\(CheckpointError.malformedSafetensors(path: path, reason: reason))".contains(url.path))
            return reason
        }
    }

    /// Runs `body` with the process's file size limit lowered to `bytes` and SIGXFSZ ignored.
    private static func withFileSizeLimit<T>(_ bytes: Int, _ body: () -> T) -> T {
        let resource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
        var saved = rlimit()
        getrlimit(resource, &saved)
        let savedHandler = signal(SIGXFSZ, SIG_IGN)
        var lowered = saved
        lowered.rlim_cur = rlim_t(bytes)
        setrlimit(resource, &lowered)
        defer {
            setrlimit(resource, &saved)
            signal(SIGXFSZ, savedHandler)
        }
        return body()
    }
}
