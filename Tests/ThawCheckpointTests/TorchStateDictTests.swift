import Foundation
import ThawCheckpoint
import ThawTensor
import XCTest

final class TorchStateDictTests: XCTestCase {
    // MARK: - Committed fixtures

    /// The fixtures' state dict, as `make_fixtures.py fixtures` builds it.
    private static let expectedFixture: [(name: String, shape: [Int], dtype: String, scalars: [Float])] = [
        ("dense.weight", [2, 3], "float32", [0.5, -1.25, 2.0, 3.5, -4.75, 6.0]),
        // A transposed view of dense.weight's storage: size (3, 2), stride (1, 3).
        ("dense.weight_transposed", [3, 2], "float32", [0.5, 3.5, -1.25, -4.75, 2.0, 6.0]),
        // Storage offset 4 into an 8-element storage.
        ("dense.bias", [3], "float32", [0.125, -0.25, 0.375]),
        ("bn.num_batches_tracked", [], "int64", [12345]),
        ("counts", [3], "int64", [12345, -7, 1_099_511_627_776]),
        ("doubles", [2], "float64", [Float(0.1), -2.5]),
    ]

    func testLegacyFixtureLoadsWithExpectedValues() throws {
        let tensors = try TorchStateDict.load(from: TestFiles.fixture("legacy.pth"))

        self.assertMatchesFixture(tensors)
    }

    func testZipFixtureLoadsTheNestedStateDictWithExpectedValues() throws {
        let tensors = try TorchStateDict.load(from: TestFiles.fixture("zip.pth"))

        self.assertMatchesFixture(tensors)
    }

    func testEveryTruncationOfTheFixturesThrows() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let truncated = folder.appendingPathComponent("truncated.pth")

        for name in ["legacy.pth", "zip.pth"] {
            let bytes = try Data(contentsOf: TestFiles.fixture(name))
            for length in 0..<bytes.count {
                try bytes.prefix(length).write(to: truncated)
                XCTAssertThrowsError(try TorchStateDict.load(from: truncated), "\(name) cut to \(length) bytes") {
                    XCTAssertTrue("\($0)".contains(truncated.path), "\($0)")
                }
            }
        }
    }

    func testRandomGarbageFilesThrow() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("garbage.pth")
        var generator = SeededGenerator(state: 2024)
        let prefixes: [[UInt8]] = [[], [0x80, 0x02], Array("PK\u{3}\u{4}".utf8)]

        for round in 0..<300 {
            let length = Int.random(in: 0..<400, using: &generator)
            let noise = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try Data(prefixes[round % prefixes.count] + noise).write(to: url)

            XCTAssertThrowsError(try TorchStateDict.load(from: url), "round \(round)") { error in
                XCTAssertNotNil(error as? CheckpointError, "round \(round): \(error)")
            }
        }
    }

    func testCorruptedFixtureBytesNeverTrap() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("corrupt.pth")
        var generator = SeededGenerator(state: 99)
        var failures = 0

        for name in ["legacy.pth", "zip.pth"] {
            let original = [UInt8](try Data(contentsOf: TestFiles.fixture(name)))
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
                try Data(bytes).write(to: url)
                do {
                    _ = try TorchStateDict.load(from: url)
                } catch is CheckpointError {
                    failures += 1
                }
            }
        }

        // Flipping bytes inside raw float data leaves a loadable file, so only most rounds fail.
        XCTAssertGreaterThan(failures, 300)
    }

    func testStrideZeroViewsRepeatElementsButHugeOnesAreRefused() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let small = folder.appendingPathComponent("small.pth")
        let huge = folder.appendingPathComponent("huge.pth")
        try Self.makeLegacyFile(name: "bias", value: 2.5, size: 4, stride: 0).write(to: small)
        try Self.makeLegacyFile(name: "bias", value: 2.5, size: 1 << 30, stride: 0).write(to: huge)

        let tensors = try TorchStateDict.load(from: small)

        XCTAssertEqual(tensors.map(\.name), ["bias"])
        XCTAssertEqual(tensors.first?.tensor.tensor.scalars, [2.5, 2.5, 2.5, 2.5])
        XCTAssertThrowsError(try TorchStateDict.load(from: huge)) { error in
            XCTAssertTrue("\(error)".contains("has 1073741824 elements but its storage only 1"), "\(error)")
        }
    }

    func testStorageViewReachingPastItsStorageIsRefused() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let url = folder.appendingPathComponent("past.pth")
        try Self.makeLegacyFile(name: "w", value: 1, size: 2, stride: 1).write(to: url)

        XCTAssertThrowsError(try TorchStateDict.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("reaches element 1 of a storage of 1"), "\(error)")
        }
    }

    // MARK: - The real MobileNetV2 weights

    func testRealLegacyMobileNetV2WeightsLoad() throws {
        let url = try TestFiles.cachedAsset("weights/mobilenet_v2-b0353104.pth")

        let tensors = try TorchStateDict.load(from: url)
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.tensor) })

        // Facts and values printed by `python3 Tests/ThawCheckpointTests/Fixtures/make_fixtures.py
        // oracle .cache/weights/mobilenet_v2-b0353104.pth`, which reads the file with the
        // standard library's pickle and struct modules only.
        XCTAssertEqual(tensors.count, 314)
        XCTAssertEqual(tensors.first?.name, "features.0.0.weight")
        XCTAssertEqual(tensors.last?.name, "classifier.1.bias")
        XCTAssertEqual(byName["features.0.0.weight"]?.shape, [32, 3, 3, 3])
        XCTAssertEqual(byName["classifier.1.weight"]?.shape, [1000, 1280])
        XCTAssertEqual(byName["classifier.1.weight"]?.dtype, "float32")

        let parameters = tensors.filter {
            $0.tensor.dtype == "float32" && !$0.name.hasSuffix("running_mean") && !$0.name.hasSuffix("running_var")
        }
        XCTAssertEqual(parameters.reduce(0) { $0 + $1.tensor.tensor.count }, 3_504_872)

        let tracked = tensors.filter { $0.name.hasSuffix("num_batches_tracked") }
        XCTAssertEqual(tracked.count, 52)
        XCTAssertTrue(tracked.allSatisfy { $0.tensor.dtype == "int64" && $0.tensor.shape == [] })

        let expectedPrefixes: [(String, [Float])] = [
            (
                "features.0.0.weight",
                [0.013185339979827404, -0.004321294371038675, 0.014823135919868946, 0.03278049826622009]
            ),
            (
                "features.0.1.running_var",
                [0.07017417252063751, 0.19034361839294434, 0.8175784945487976, 0.22741076350212097]
            ),
            (
                "features.17.conv.2.weight",
                [0.003048716578632593, -0.013201813213527203, 0.09720143675804138, 0.043262869119644165]
            ),
            (
                "classifier.1.weight",
                [-0.031177138909697533, 0.08958731591701508, -0.07481194287538528, -0.07166869938373566]
            ),
            (
                "classifier.1.bias",
                [0.04718802496790886, 0.00994938239455223, -0.03339512273669243, -0.051339056342840195]
            ),
        ]
        for (name, values) in expectedPrefixes {
            XCTAssertEqual(byName[name].map { Array($0.tensor.scalars.prefix(4)) }, values, name)
        }
        XCTAssertEqual(byName["classifier.1.weight"]?.tensor.scalars.last, -0.02534809149801731)
    }

    // MARK: - Helpers

    /// A legacy-layout file whose state dict holds one float32 tensor `name` of size `[size]`
    /// and stride `[stride]` over a one-element storage holding `value`, pickled by hand.
    private static func makeLegacyFile(name: String, value: Float, size: Int, stride: Int) -> Data {
        func text(_ string: String) -> [UInt8] {
            [0x58] + withUnsafeBytes(of: UInt32(string.utf8.count).littleEndian, Array.init) + Array(string.utf8)
        }
        func integer(_ number: Int) -> [UInt8] {
            [0x4A] + withUnsafeBytes(of: Int32(number).littleEndian, Array.init)
        }

        let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        let version: [UInt8] = [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
        let system: [UInt8] = [0x80, 0x02, 0x7D] + text("little_endian") + [0x88, 0x73, 0x2E]
        var state: [UInt8] = [0x80, 0x02, 0x7D] + text(name)
        state += Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8) + [0x28, 0x28] + text("storage")
        state += Array("ctorch\nFloatStorage\n".utf8) + text("0") + text("cpu") + [0x4B, 0x01, 0x4E, 0x74, 0x51]
        state += integer(0) + integer(size) + [0x85] + integer(stride) + [0x85, 0x89, 0x7D, 0x74, 0x52, 0x73, 0x2E]
        let keys: [UInt8] = [0x80, 0x02, 0x5D] + text("0") + [0x61, 0x2E]
        let storage =
            withUnsafeBytes(of: Int64(1).littleEndian, Array.init)
            + withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
        return Data(magic + version + system + state + keys + storage)
    }

    private func assertMatchesFixture(
        _ tensors: [(name: String, tensor: ImportedTensor)], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(tensors.map(\.name), Self.expectedFixture.map(\.name), file: file, line: line)
        for (loaded, expected) in zip(tensors, Self.expectedFixture) {
            XCTAssertEqual(loaded.tensor.shape, expected.shape, loaded.name, file: file, line: line)
            XCTAssertEqual(loaded.tensor.tensor.shape, expected.shape, loaded.name, file: file, line: line)
            XCTAssertEqual(loaded.tensor.dtype, expected.dtype, loaded.name, file: file, line: line)
            XCTAssertEqual(loaded.tensor.tensor.scalars, expected.scalars, loaded.name, file: file, line: line)
        }
    }
}
