import Foundation
import ThawCheckpoint
import ThawWire
import XCTest

final class ClusterCommandTests: XCTestCase {
    func testLocalRunsOnOneToFourWorkersEndBitIdenticalToOneProcess() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try TinyRunFile(name: "cluster").write(in: folder)
        let reference = try ThawProcess.run([
            "train", runFile.path, "--quiet", "--output", folder.appendingPathComponent("train").path,
        ])
        XCTAssertEqual(reference.status, 0, reference.standardError)
        let expected = try Data(contentsOf: folder.appendingPathComponent("train/checkpoint.safetensors"))

        for workers in 1...4 {
            let output = folder.appendingPathComponent("local-\(workers)")
            let result = try ThawProcess.run([
                "local", "--workers", String(workers), runFile.path, "--quiet", "--output", output.path,
            ])
            XCTAssertEqual(result.status, 0, result.standardError)
            XCTAssertEqual(
                result.standardOutput.split(separator: "\n").last, reference.standardOutput.split(separator: "\n").last)
            let checkpoint = try Data(contentsOf: output.appendingPathComponent("checkpoint.safetensors"))
            XCTAssertEqual(
                checkpoint, expected, "\(workers) workers must end with the one-process weights, bit for bit")
        }
    }

    func testKilledWorkerIsNamedAndTheRunFailsInsteadOfHanging() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try TinyRunFile(name: "cluster", trainLimit: 4000).write(in: folder)
        let certs = folder.appendingPathComponent("certs")
        try self.makeCertificates(in: certs, workers: 2)

        let coordinator = try ThawProcess.start([
            "coordinator", runFile.path, "--listen", "127.0.0.1:0", "--workers", "2", "--certs", certs.path,
            "--output", folder.appendingPathComponent("out").path,
        ])
        let port = try coordinator.waitForPort()
        let workers = try (1...2).map { id in
            try ThawProcess.start([
                "worker", "--coordinator", "127.0.0.1:\(port)", "--id", String(id), "--certs", certs.path,
                "--ring-listen", "127.0.0.1:0",
            ])
        }
        try coordinator.waitForOutput(containing: "Epoch 1/2", timeout: 60)
        workers[1].process.interrupt()
        kill(workers[1].process.processIdentifier, SIGKILL)

        let started = Date()
        coordinator.process.waitUntilExit()
        workers[0].process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "the failure must be noticed, not waited out")
        XCTAssertEqual(coordinator.process.terminationStatus, 1)
        let error = try coordinator.standardError()
        XCTAssertTrue(error.contains("worker 2"), error)
        XCTAssertNotEqual(workers[0].process.terminationStatus, 0, "the survivor must not pretend the run went well")
    }

    private func makeCertificates(in folder: URL, workers: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let layout = ClusterCertificateLayout(folder: folder)
        let authority = try CertificateAuthority.create(validity: .seconds(3600))
        try authority.write(to: layout)
        try authority.issue(identity: .coordinator, hosts: ["127.0.0.1"], validity: .seconds(3600)).write(to: layout)
        for id in 1...workers {
            try authority.issue(identity: .worker(id), hosts: ["127.0.0.1"], validity: .seconds(3600)).write(to: layout)
        }
    }
}
