import Foundation
import XCTest

/// Locates test fixtures and downloaded assets, and makes temporary folders.
enum TestAssets {
    /// `Tests/ThawDataTests/Fixtures`, beside this file.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `$THAW_CACHE`, else `<repo root>/.cache`.
    static var cache: URL {
        if let path = ProcessInfo.processInfo.environment["THAW_CACHE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".cache")
    }

    /// The bytes of a committed fixture.
    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    /// A downloaded asset in the cache, or a failure telling the reader to run scripts/setup.
    static func cached(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = Self.cache.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("missing \(url.path): run scripts/setup", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    /// The Fashion-MNIST folder installed by Debian's dataset-fashion-mnist, or a failure
    /// telling the reader to run scripts/setup.
    static func fashionMNIST(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let directory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
        let probe = directory.appendingPathComponent("train-labels-idx1-ubyte.gz")
        guard FileManager.default.fileExists(atPath: probe.path) else {
            XCTFail("missing \(probe.path): run scripts/setup", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return directory
    }

    /// A new empty folder removed when `testCase` ends.
    static func temporaryDirectory(for testCase: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("thaw-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        testCase.addTeardownBlock {
            try? FileManager.default.removeItem(at: url)
        }
        return url
    }

    /// The output of `/bin/gzip -dc path`: an independent decompression to check the loader against.
    static func gunzip(_ url: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()

        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "gzip -dc \(url.path) failed")
        return [UInt8](data)
    }

    /// Compresses `bytes` with `/bin/gzip` into `url`.
    static func writeGzip(_ bytes: [UInt8], to url: URL) throws {
        let raw = url.deletingPathExtension()
        try Data(bytes).write(to: raw)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", "-n", raw.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "gzip \(raw.path) failed")
    }
}
