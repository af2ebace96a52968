import Foundation
import XCTest

/// `scripts/netns-hosts`: hosts made of network namespaces reach each other over mutually authenticated TLS, and
/// the root namespace blackholes their subnet only while they are up.
///
/// Every process that uses the hosts' addresses runs inside a host with `ip netns exec`; nothing here dials them
/// from the root namespace. If namespaces cannot be made (not root, or the kernel or container refuses), these
/// tests fail and say so: they never pass without having run.
final class NetworkNamespaceHostsTests: XCTestCase {
    /// Why the harness could not run, in words that leave no doubt the test did not pass.
    struct NamespacesUnavailable: Error, CustomStringConvertible {
        let report: String

        var description: String {
            "Network namespaces could not be created, so the multi-host harness did not run and this test cannot "
                + "pass here. It needs root and a kernel (and container) that allow `ip netns add`. "
                + "scripts/netns-hosts said: \(self.report)"
        }
    }

    private static var script: String {
        ThawProcess.repositoryRoot.appendingPathComponent("scripts/netns-hosts").path
    }

    override func setUpWithError() throws {
        // Teardown blocks run even when the test fails, so the hosts never outlive it.
        self.addTeardownBlock { _ = try? ExternalProcess.run([Self.script, "down"]) }

        let up = try ExternalProcess.run([Self.script, "up", "2"])
        guard up.status == 0 else {
            throw NamespacesUnavailable(report: up.standardError)
        }
    }

    func testHostsCompleteAMutualTLSHandshakeWithCertificatesFromThawCerts() throws {
        let certs = try ThawProcess.temporaryFolder(for: self).appendingPathComponent("certs")
        let issued = try ThawProcess.run([
            "certs", "--out", certs.path, "--workers", "1", "--coordinator-host", "10.77.0.1", "--worker-host",
            "1=10.77.0.2",
        ])
        XCTAssertEqual(issued.status, 0, issued.standardError)
        func file(_ name: String) -> String { certs.appendingPathComponent(name).path }

        // Two connections: first a client without a certificate, then worker 1 with its own.
        let server = try ExternalProcess([
            "ip", "netns", "exec", "thaw-h1", "openssl", "s_server", "-accept", "10.77.0.1:4433", "-tls1_3",
            "-cert", file("coordinator.pem"), "-key", file("coordinator.key"), "-CAfile", file("ca.pem"),
            "-Verify", "1", "-verify_return_error", "-naccept", "2", "-rev",
        ])
        self.addTeardownBlock { server.stop() }
        let isListening = ExternalProcess.poll(timeout: .seconds(5)) { server.standardOutput.contains("ACCEPT") }
        XCTAssertTrue(isListening, "openssl s_server did not start in thaw-h1: \(server.standardError)")
        let client = [
            "ip", "netns", "exec", "thaw-h2", "openssl", "s_client", "-connect", "10.77.0.1:4433", "-tls1_3",
            "-CAfile", file("ca.pem"), "-verify_return_error", "-verify_ip", "10.77.0.1", "-brief", "-ign_eof",
        ]

        let anonymous = try ExternalProcess.run(client, input: "hello\nCLOSE\n", timeout: .seconds(10))
        let worker = try ExternalProcess.run(
            client + ["-cert", file("worker-1.pem"), "-key", file("worker-1.key")], input: "hello\nCLOSE\n",
            timeout: .seconds(10))

        XCTAssertNotEqual(anonymous.status, 0, "a client without a certificate was admitted")
        XCTAssertFalse(anonymous.standardOutput.contains("olleh"))
        XCTAssertEqual(worker.status, 0, worker.standardError)
        XCTAssertEqual(worker.standardOutput, "olleh\n", "the server reverses each line it reads")
        XCTAssertTrue(worker.standardError.contains("Peer certificate: CN = thaw-coordinator"), worker.standardError)
        XCTAssertTrue(worker.standardError.contains("Verification: OK"), worker.standardError)
        XCTAssertEqual(server.waitForExit(timeout: .seconds(5)), 0, server.standardError)
        XCTAssertTrue(server.standardError.contains("peer did not return a certificate"), server.standardError)
        XCTAssertTrue(server.standardError.contains("depth=0 CN = thaw-worker-1"), server.standardError)
    }

    func testBlackholeRouteExistsOnlyWhileTheHostsAreUp() throws {
        let whileUp = try ExternalProcess.run(["ip", "route", "show", "10.77.0.0/24"])
        XCTAssertEqual(whileUp.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines), "blackhole 10.77.0.0/24")
        let hosts = try ExternalProcess.run([Self.script, "status"]).standardOutput
        XCTAssertTrue(hosts.contains("thaw-h1 10.77.0.1/24"), hosts)
        XCTAssertTrue(hosts.contains("thaw-h2 10.77.0.2/24"), hosts)

        let down = try ExternalProcess.run([Self.script, "down"])
        let again = try ExternalProcess.run([Self.script, "down"])

        XCTAssertEqual(down.status, 0, down.standardError)
        XCTAssertEqual(again.status, 0, "down is not idempotent: \(again.standardError)")
        let afterDown = try ExternalProcess.run(["ip", "route", "show", "10.77.0.0/24"])
        XCTAssertEqual(afterDown.standardOutput, "")
        let namespaces = try ExternalProcess.run(["ip", "netns", "list"]).standardOutput
        XCTAssertFalse(namespaces.contains("thaw-h"), namespaces)
        XCTAssertFalse(namespaces.contains("thaw-hub"), namespaces)
    }
}
