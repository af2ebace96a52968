import Foundation
import XCTest

/// Runs the built `thaw` executable as a child process, the way a user does.
struct ThawProcess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `thaw` binary beside the test bundle (`swift build` puts both in one folder).
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("thaw")
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var cache: URL {
        if let path = ProcessInfo.processInfo.environment["THAW_CACHE"] { return URL(fileURLWithPath: path) }
        return self.repositoryRoot.appendingPathComponent(".cache")
    }

    /// Runs `thaw` with `arguments` to completion; its output goes through files, so nothing blocks.
    static func run(_ arguments: [String], in folder: URL? = nil) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("thaw-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

        let process = Process()
        process.executableURL = self.executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        process.waitUntilExit()

        return Result(
            status: process.terminationStatus,
            standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
            standardError: try String(contentsOf: errorURL, encoding: .utf8))
    }

    /// A fresh temporary folder, removed when the test ends.
    static func temporaryFolder(for test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thaw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// A `thaw` process left running, its output going to files.
    final class Running {
        let process: Process
        let outputURL: URL
        let errorURL: URL

        init(process: Process, outputURL: URL, errorURL: URL) {
            self.process = process
            self.outputURL = outputURL
            self.errorURL = errorURL
        }

        deinit {
            if self.process.isRunning { self.process.terminate() }
        }

        func standardError() throws -> String { try String(contentsOf: self.errorURL, encoding: .utf8) }
        func standardOutput() throws -> String { try String(contentsOf: self.outputURL, encoding: .utf8) }

        /// Waits until the process's standard output or error contains `text`.
        func waitForOutput(containing text: String, timeout: TimeInterval) throws {
            let deadline = Date(timeIntervalSinceNow: timeout)
            while Date() < deadline {
                if try self.standardOutput().contains(text) || self.standardError().contains(text) { return }
                guard self.process.isRunning else { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw CocoaError(
                .fileReadUnknown,
                userInfo: [NSLocalizedDescriptionKey: "'\(text)' never appeared: \(try self.standardError())"])
        }

        /// The port a coordinator logs in its "waiting for workers" line.
        func waitForPort() throws -> Int {
            try self.waitForOutput(containing: "waiting for workers", timeout: 60)
            let line = try self.standardError().split(separator: "\n").first { $0.contains("waiting for workers") }!
            let field = line.split(separator: " ").first { $0.hasPrefix("port=") }!
            return Int(field.dropFirst("port=".count))!
        }
    }

    /// Starts `thaw` with `arguments` and returns at once.
    static func start(_ arguments: [String]) throws -> Running {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("thaw-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = self.executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        return Running(process: process, outputURL: outputURL, errorURL: errorURL)
    }
}
