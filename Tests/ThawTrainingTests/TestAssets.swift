import Foundation
import XCTest

/// Files that `scripts/setup` downloads: the cache folder is `$THAW_CACHE`, or `.cache` at the top
/// of the repository.
enum TestAssets {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var cache: URL {
        if let path = ProcessInfo.processInfo.environment["THAW_CACHE"] { return URL(fileURLWithPath: path) }
        return self.repositoryRoot.appendingPathComponent(".cache")
    }

    /// A cached file, or a test failure that says how to get it.
    static func file(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = self.cache.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("\(url.path) is missing: run scripts/setup", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    static let fashionMNIST = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
}
