import Foundation
import ThawWire
import XCTest

/// A cluster CA with coordinator and worker certificates in a temporary folder, for tests.
final class TestCluster {
    let folder: URL
    let layout: ClusterCertificateLayout
    let authority: CertificateAuthority

    init(workers: [Int] = [1, 2, 3], hosts: [String] = ["127.0.0.1", "localhost"]) throws {
        self.folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("thaw-wire-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        self.layout = ClusterCertificateLayout(folder: self.folder)

        self.authority = try CertificateAuthority.create(validity: .seconds(86_400))
        try self.authority.write(to: self.layout)

        let identities = [PeerIdentity.coordinator] + workers.map { PeerIdentity.worker($0) }
        for identity in identities {
            try self.authority.issue(identity: identity, hosts: hosts, validity: .seconds(3_600)).write(to: self.layout)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: self.folder)
    }

    func configuration(_ identity: PeerIdentity, expecting rule: PeerIdentityRule) -> TLSConfiguration {
        TLSConfiguration(layout: self.layout, identity: identity, peerRule: rule)
    }

    func context(_ identity: PeerIdentity, expecting rule: PeerIdentityRule) throws -> TLSContext {
        try self.configuration(identity, expecting: rule).makeContext()
    }

    /// Runs `openssl` with `arguments` and returns its exit status, standard output and standard error.
    static func openssl(_ arguments: [String], timeout: TimeInterval = 10) throws -> (Int32, Data, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            XCTFail("openssl \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
            process.waitUntilExit()
        }
        let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        let standardError = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, standardOutput, standardError)
    }
}

/// Work running on its own thread, whose result a test waits for.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    init(_ body: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread {
            self.result = Result { try body() }
            self.finished.signal()
        }
    }

    /// The work's value, or the error it threw.
    func value(within seconds: TimeInterval = 15) throws -> Value {
        guard self.finished.wait(timeout: .now() + seconds) == .success, let result = self.result else {
            throw TLSError.timedOut(operation: "finish background work", peer: "test", after: .seconds(seconds))
        }
        return try result.get()
    }

    /// The error the work threw, as a `TLSError`, or a test failure if it succeeded.
    func tlsError(file: StaticString = #filePath, line: UInt = #line) -> TLSError? {
        do {
            _ = try self.value()
            XCTFail("expected the background work to fail", file: file, line: line)
            return nil
        } catch {
            guard let error = error as? TLSError else {
                XCTFail("expected a TLSError, got \(error)", file: file, line: line)
                return nil
            }
            return error
        }
    }
}
