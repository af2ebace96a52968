import Foundation
import XCTest

/// Locates committed fixtures, downloaded assets and temporary folders for the checkpoint tests.
enum TestFiles {
    /// A downloaded asset is not in the cache folder.
    struct MissingAsset: Error, CustomStringConvertible {
        var path: String

        var description: String {
            "test asset \(path) is missing; run scripts/setup (or set THAW_CACHE to the folder that holds it)"
        }
    }

    /// The repository root, three levels above this file.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file committed under `Tests/ThawCheckpointTests/Fixtures`.
    static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    /// A downloaded asset in `$THAW_CACHE`, else in `<repository root>/.cache`.
    static func cachedAsset(_ relativePath: String) throws -> URL {
        let folder =
            ProcessInfo.processInfo.environment["THAW_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? self.repositoryRoot.appendingPathComponent(".cache")
        let url = folder.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingAsset(path: url.path)
        }
        return url
    }

    /// A new empty folder that is removed when `testCase` ends.
    static func makeTemporaryFolder(for testCase: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("thaw-checkpoint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        testCase.addTeardownBlock {
            try? FileManager.default.removeItem(at: url)
        }
        return url
    }

    /// The names in `folder`, sorted.
    static func contents(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }
}

/// A small seeded generator (SplitMix64) so that randomised tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = self.state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
