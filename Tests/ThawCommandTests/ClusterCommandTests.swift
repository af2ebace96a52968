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
            try Self.checkStepTimings(in: output.appendingPathComponent("metrics.jsonl"), workers: workers)
        }
    }

    /// Every step and epoch record says how long the micro-shards and the reduction took, and each
    /// epoch's figures are the means of its steps'.
    private static func checkStepTimings(in metrics: URL, workers: Int) throws {
        let records = try String(contentsOf: metrics, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        var steps: [(compute: Double, reduce: Double)] = []
        var epochs = 0
        for record in records {
            let event = try XCTUnwrap(record["event"] as? String)
            guard event == "step" || event == "epoch" else { continue }
            let compute = try XCTUnwrap(record["computeSeconds"] as? Double, "\(workers) workers: \(record)")
            let reduce = try XCTUnwrap(record["reduceSeconds"] as? Double, "\(workers) workers: \(record)")
            XCTAssertGreaterThan(compute, 0)
            XCTAssertGreaterThan(reduce, 0)
            if event == "step" {
                steps.append((compute, reduce))
            } else {
                epochs += 1
                let count = Double(steps.count)
                XCTAssertEqual(compute, steps.map(\.compute).reduce(0, +) / count, accuracy: 1e-9)
                XCTAssertEqual(reduce, steps.map(\.reduce).reduce(0, +) / count, accuracy: 1e-9)
                steps = []
            }
        }
        XCTAssertEqual(epochs, 3, "\(workers) workers")
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
