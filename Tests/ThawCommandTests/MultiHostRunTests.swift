import Foundation
import XCTest

/// A real two-phase run across three hosts made of network namespaces: the coordinator on
/// thaw-h1, workers 1 and 2 on thaw-h2 and thaw-h3, every link TLS over the hosts' veth network.
/// Every process runs inside a host (`ip netns exec`); nothing in the root namespace dials them.
final class MultiHostRunTests: XCTestCase {
    private static var script: String {
        ThawProcess.repositoryRoot.appendingPathComponent("scripts/netns-hosts").path
    }

    override func setUpWithError() throws {
        self.addTeardownBlock { _ = try? ExternalProcess.run([Self.script, "down"]) }
        let up = try ExternalProcess.run([Self.script, "up", "3"])
        guard up.status == 0 else {
            throw NetworkNamespaceHostsTests.NamespacesUnavailable(report: up.standardError)
        }
    }

    func testRunAcrossThreeHostsEndsBitIdenticalToOneProcess() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try TinyRunFile(
            name: "hosts", seed: 11, trainLimit: 64, validationCount: 16, testLimit: 32, headEpochs: 1,
            fineTuneTrainable: #""all""#, nesterov: false
        ).write(in: folder)

        let certs = folder.appendingPathComponent("certs")
        let issued = try ThawProcess.run([
            "certs", "--out", certs.path, "--workers", "2", "--coordinator-host", "10.77.0.1", "--worker-host",
            "1=10.77.0.2", "--worker-host", "2=10.77.0.3",
        ])
        XCTAssertEqual(issued.status, 0, issued.standardError)

        let thaw = ThawProcess.executable.path
        let coordinator = try ExternalProcess([
            "ip", "netns", "exec", "thaw-h1", thaw, "coordinator", runFile.path, "--listen", "10.77.0.1:7300",
            "--workers", "2", "--certs", certs.path, "--output", folder.appendingPathComponent("cluster").path,
        ])
        self.addTeardownBlock { coordinator.stop() }
        let workers = try (1...2).map { id in
            try ExternalProcess([
                "ip", "netns", "exec", "thaw-h\(id + 1)", thaw, "worker", "--coordinator", "10.77.0.1:7300", "--id",
                String(id), "--certs", certs.path, "--ring-listen", "10.77.0.\(id + 1):7301",
            ])
        }
        for worker in workers { self.addTeardownBlock { worker.stop() } }

        XCTAssertEqual(coordinator.waitForExit(timeout: .seconds(240)), 0, coordinator.standardError)
        for worker in workers {
            XCTAssertEqual(worker.waitForExit(timeout: .seconds(30)), 0, worker.standardError)
        }
        XCTAssertTrue(coordinator.standardError.contains("worker 1 at 10.77.0.2:7301"), coordinator.standardError)
        XCTAssertTrue(coordinator.standardError.contains("worker 2 at 10.77.0.3:7301"), coordinator.standardError)

        let reference = try ThawProcess.run([
            "train", runFile.path, "--quiet", "--output", folder.appendingPathComponent("one").path,
        ])
        XCTAssertEqual(reference.status, 0, reference.standardError)
        XCTAssertEqual(
            try Data(contentsOf: folder.appendingPathComponent("cluster/checkpoint.safetensors")),
            try Data(contentsOf: folder.appendingPathComponent("one/checkpoint.safetensors")),
            "the run across hosts must end with the one-process weights, bit for bit")
    }
}
