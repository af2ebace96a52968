import Foundation
import XCTest

/// `thaw certs` run as a process, its certificates read back with the `openssl` command.
final class CertsCommandTests: XCTestCase {
    func testCertsWritesTheDocumentedLayoutForTheGivenHosts() throws {
        let certs = try ThawProcess.temporaryFolder(for: self).appendingPathComponent("certs")

        let result = try ThawProcess.run([
            "certs", "--out", certs.path, "--workers", "2", "--coordinator-host", "10.77.0.1",
            "--coordinator-host", "coordinator.example", "--worker-host", "2=10.77.0.3", "--days", "30",
        ])

        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("valid for 30 days"), result.standardOutput)
        let names = try FileManager.default.contentsOfDirectory(atPath: certs.path).sorted()
        XCTAssertEqual(
            names,
            [
                "ca.key", "ca.pem", "coordinator.key", "coordinator.pem", "worker-1.key", "worker-1.pem",
                "worker-2.key",
                "worker-2.pem",
            ])
        for name in names {
            let permissions =
                try FileManager.default.attributesOfItem(atPath: certs.appendingPathComponent(name).path)[
                    .posixPermissions] as? Int
            XCTAssertEqual(permissions, name.hasSuffix(".key") ? 0o600 : 0o644, name)
        }

        XCTAssertEqual(try Self.subject(certs, "coordinator"), "thaw-coordinator")
        XCTAssertEqual(try Self.alternativeNames(certs, "coordinator"), "IP Address:10.77.0.1, DNS:coordinator.example")
        XCTAssertEqual(try Self.subject(certs, "worker-2"), "thaw-worker-2")
        XCTAssertEqual(try Self.alternativeNames(certs, "worker-2"), "IP Address:10.77.0.3")
        XCTAssertEqual(try Self.alternativeNames(certs, "worker-1"), "DNS:localhost, IP Address:127.0.0.1")

        let verified = try ExternalProcess.run([
            "openssl", "verify", "-CAfile", certs.appendingPathComponent("ca.pem").path,
            certs.appendingPathComponent("coordinator.pem").path, certs.appendingPathComponent("worker-2.pem").path,
        ])
        XCTAssertEqual(verified.status, 0, verified.standardError)
    }

    func testCertsRefusesAFolderThatIsNotEmptyUnlessForced() throws {
        let certs = try ThawProcess.temporaryFolder(for: self)
        let first = try ThawProcess.run(["certs", "--out", certs.path, "--workers", "3"])
        XCTAssertEqual(first.status, 0, first.standardError)
        let notes = certs.appendingPathComponent("notes.txt")
        try Data("keep me".utf8).write(to: notes)
        let firstCA = try String(contentsOf: certs.appendingPathComponent("ca.pem"), encoding: .utf8)

        let refused = try ThawProcess.run(["certs", "--out", certs.path, "--workers", "1"])

        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.standardError.contains("already exists and is not empty"), refused.standardError)
        XCTAssertTrue(refused.standardError.contains("--force"), refused.standardError)
        XCTAssertEqual(try String(contentsOf: certs.appendingPathComponent("ca.pem"), encoding: .utf8), firstCA)

        let forced = try ThawProcess.run(["certs", "--out", certs.path, "--workers", "1", "--force"])

        XCTAssertEqual(forced.status, 0, forced.standardError)
        XCTAssertNotEqual(try String(contentsOf: certs.appendingPathComponent("ca.pem"), encoding: .utf8), firstCA)
        let names = try FileManager.default.contentsOfDirectory(atPath: certs.path)
        XCTAssertFalse(names.contains("worker-3.pem"), "a certificate of the old CA was left behind")
        XCTAssertTrue(names.contains("notes.txt"), "a file that is no certificate was removed")
    }

    func testCertsRejectsABadHostAndWritesNothing() throws {
        let certs = try ThawProcess.temporaryFolder(for: self).appendingPathComponent("certs")

        let result = try ThawProcess.run(["certs", "--out", certs.path, "--workers", "2", "--worker-host", "2=no_such"])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("thaw-worker-2"), result.standardError)
        XCTAssertTrue(result.standardError.contains("\"no_such\""), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: certs.path))
    }

    func testCertsReadsIdentitiesAndAddressesFromAClusterFile() throws {
        let certs = try ThawProcess.temporaryFolder(for: self).appendingPathComponent("certs")
        let example = ThawProcess.repositoryRoot.appendingPathComponent("cluster/example.cluster.json")

        let result = try ThawProcess.run(["certs", "--out", certs.path, "--cluster", example.path])

        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(try Self.alternativeNames(certs, "coordinator"), "IP Address:10.0.0.10")
        for id in 1...3 {
            XCTAssertEqual(try Self.subject(certs, "worker-\(id)"), "thaw-worker-\(id)")
            XCTAssertEqual(try Self.alternativeNames(certs, "worker-\(id)"), "IP Address:10.0.0.1\(id)")
        }
    }

    func testCertsNamesTheKeyOfABadClusterFile() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let cluster = folder.appendingPathComponent("duplicate.cluster.json")
        try Data(
            (#"{"run": "r.json", "coordinator": {"address": "10.0.0.1", "port": 7070}, "workers": ["#
                + #"{"id": 1, "host": "a", "address": "10.0.0.2"}, {"id": 1, "host": "b", "address": "10.0.0.3"}]}"#)
                .utf8
        ).write(to: cluster)

        let result = try ThawProcess.run([
            "certs", "--out", folder.appendingPathComponent("certs").path, "--cluster", cluster.path,
        ])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("at workers[1].id"), result.standardError)
        XCTAssertTrue(result.standardError.contains("worker id 1 is used more than once"), result.standardError)
    }

    func testCertsNeedsExactlyOneOfWorkersOrCluster() throws {
        let result = try ThawProcess.run(["certs", "--out", "certs"])

        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.standardError.contains("Give exactly one of --workers N"), result.standardError)
    }

    func testCertsExplainsAMalformedWorkerHost() throws {
        let result = try ThawProcess.run(["certs", "--out", "certs", "--workers", "2", "--worker-host", "10.0.0.2"])

        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.standardError.contains("Example: 1=10.0.0.2"), result.standardError)
    }

    // MARK: - Helpers

    /// The subject common name of `<stem>.pem` in `folder`.
    private static func subject(_ folder: URL, _ stem: String) throws -> String {
        let output = try self.openssl(folder, stem, ["-subject", "-nameopt", "multiline"])
        return output.components(separatedBy: "commonName").last?
            .trimmingCharacters(in: CharacterSet(charactersIn: " =\n")) ?? output
    }

    /// The subject alternative names of `<stem>.pem` in `folder`, as `openssl x509` prints them.
    private static func alternativeNames(_ folder: URL, _ stem: String) throws -> String {
        let output = try self.openssl(folder, stem, ["-ext", "subjectAltName"])
        return output.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? output
    }

    private static func openssl(_ folder: URL, _ stem: String, _ options: [String]) throws -> String {
        let path = folder.appendingPathComponent("\(stem).pem").path
        let result = try ExternalProcess.run(["openssl", "x509", "-in", path, "-noout"] + options)
        XCTAssertEqual(result.status, 0, result.standardError)
        return result.standardOutput
    }
}
