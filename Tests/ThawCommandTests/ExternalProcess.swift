import Foundation
import XCTest

/// A program other than `thaw` (a script, `openssl`, `ip`) run as a child process, found on the `PATH`.
///
/// Its standard output and error go to files and its standard input comes from one, so no pipe can fill up and
/// block it. Every wait has a deadline.
final class ExternalProcess: @unchecked Sendable {
    /// A child process that outlived its deadline.
    struct TimedOut: Error, CustomStringConvertible {
        let command: String
        let timeout: Duration

        var description: String {
            "\(self.command) did not finish within \(self.timeout); it was stopped"
        }
    }

    /// The command line, for messages.
    let commandLine: String

    private let process = Process()
    private let scratch: URL

    /// Starts `arguments[0]` with the rest as its arguments.
    ///
    /// - Parameters:
    ///   - input: what the process reads on standard input; it reads end-of-file after it.
    ///   - environment: variables added to this process's environment.
    init(_ arguments: [String], input: String = "", environment: [String: String] = [:]) throws {
        self.commandLine = arguments.joined(separator: " ")
        self.scratch = FileManager.default.temporaryDirectory.appendingPathComponent("thaw-process-\(UUID())")
        try FileManager.default.createDirectory(at: self.scratch, withIntermediateDirectories: true)

        let inputURL = self.scratch.appendingPathComponent("stdin")
        try Data(input.utf8).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: self.outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: self.errorURL.path, contents: nil)

        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        self.process.arguments = arguments
        self.process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        self.process.standardInput = try FileHandle(forReadingFrom: inputURL)
        self.process.standardOutput = try FileHandle(forWritingTo: self.outputURL)
        self.process.standardError = try FileHandle(forWritingTo: self.errorURL)
        try self.process.run()
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(at: self.scratch)
    }

    /// Runs a command to completion and returns its status and output.
    ///
    /// - Throws: `TimedOut` (after stopping it) if it runs longer than `timeout`.
    static func run(
        _ arguments: [String], input: String = "", environment: [String: String] = [:],
        timeout: Duration = .seconds(30)
    ) throws -> ThawProcess.Result {
        let child = try ExternalProcess(arguments, input: input, environment: environment)

        guard let status = child.waitForExit(timeout: timeout) else {
            child.stop()
            throw TimedOut(command: child.commandLine, timeout: timeout)
        }

        return ThawProcess.Result(
            status: status, standardOutput: child.standardOutput, standardError: child.standardError)
    }

    /// The child's process id.
    var processIdentifier: Int32 {
        self.process.processIdentifier
    }

    /// Everything the child has written to standard output so far.
    var standardOutput: String {
        (try? String(contentsOf: self.outputURL, encoding: .utf8)) ?? ""
    }

    /// Everything the child has written to standard error so far.
    var standardError: String {
        (try? String(contentsOf: self.errorURL, encoding: .utf8)) ?? ""
    }

    /// Waits for the child to exit and returns its status (128 plus the signal if a signal ended it), or `nil` if
    /// it still runs after `timeout`.
    func waitForExit(timeout: Duration) -> Int32? {
        let finished = Self.poll(timeout: timeout) { !self.process.isRunning }
        guard finished else {
            return nil
        }

        let status = self.process.terminationStatus
        return self.process.terminationReason == .uncaughtSignal ? 128 + status : status
    }

    /// Waits until `condition` holds, checking every 50 ms, for at most `timeout`; returns whether it held.
    static func poll(timeout: Duration, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                return false
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    /// Sends the child `signal`.
    func send(_ signal: Int32) {
        if self.process.isRunning {
            kill(self.process.processIdentifier, signal)
        }
    }

    /// Ends the child if it still runs: SIGTERM, then SIGKILL after five seconds.
    func stop() {
        guard self.process.isRunning else {
            return
        }

        self.send(SIGTERM)

        if self.waitForExit(timeout: .seconds(5)) == nil {
            self.send(SIGKILL)
            _ = self.waitForExit(timeout: .seconds(5))
        }
    }

    private var outputURL: URL {
        self.scratch.appendingPathComponent("stdout")
    }

    private var errorURL: URL {
        self.scratch.appendingPathComponent("stderr")
    }

    /// Whether process `pid` exists and is not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else {
            return false
        }
        return !stat[end...].hasPrefix(") Z")
    }
}
