import Foundation
import ThawWire
import XCTest

final class CertificateAuthorityTests: XCTestCase {
    func testClusterFolderHasDocumentedLayoutWithPrivateKeys() throws {
        let cluster = try TestCluster(workers: [1, 2])

        let names = try FileManager.default.contentsOfDirectory(atPath: cluster.folder.path).sorted()
        XCTAssertEqual(
            names,
            [
                "ca.key", "ca.pem", "coordinator.key", "coordinator.pem", "worker-1.key", "worker-1.pem",
                "worker-2.key",
                "worker-2.pem",
            ]
        )
        for name in names {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: cluster.folder.appendingPathComponent(name).path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
            XCTAssertEqual(mode, name.hasSuffix(".key") ? 0o600 : 0o644, name)
        }
    }

    func testIssuedCertificateVerifiesAndCarriesIdentityHostsAndUsages() throws {
        let cluster = try TestCluster(workers: [7], hosts: ["127.0.0.1", "node-7.example"])
        let certificate = cluster.layout.certificate(for: .worker(7)).path

        let (verifyStatus, verifyOutput, _) = try TestCluster.openssl([
            "verify", "-CAfile", cluster.layout.caCertificate.path, "-purpose", "sslclient", certificate,
        ])
        XCTAssertEqual(verifyStatus, 0)
        XCTAssertTrue(String(decoding: verifyOutput, as: UTF8.self).contains("OK"))

        let (status, text, _) = try TestCluster.openssl(["x509", "-in", certificate, "-noout", "-text"])
        let dump = String(decoding: text, as: UTF8.self)
        XCTAssertEqual(status, 0)
        XCTAssertTrue(dump.contains("CN = thaw-worker-7"), dump)
        XCTAssertTrue(dump.contains("IP Address:127.0.0.1"), dump)
        XCTAssertTrue(dump.contains("DNS:node-7.example"), dump)
        XCTAssertTrue(dump.contains("TLS Web Server Authentication, TLS Web Client Authentication"), dump)
        XCTAssertTrue(dump.contains("CA:FALSE"), dump)
        XCTAssertTrue(dump.contains("prime256v1"), dump)
        XCTAssertTrue(dump.contains("ecdsa-with-SHA256"), dump)
    }

    func testSerialNumbersAreRandom() throws {
        let authority = try CertificateAuthority.create(validity: .seconds(600))
        let first = try authority.issue(identity: .worker(1), hosts: ["localhost"], validity: .seconds(60))
        let second = try authority.issue(identity: .worker(1), hosts: ["localhost"], validity: .seconds(60))

        XCTAssertNotEqual(first.certificatePEM, second.certificatePEM)
        XCTAssertNotEqual(first.privateKeyPEM, second.privateKeyPEM)
    }

    func testLoadedAuthorityIssuesCertificatesTheClusterAccepts() throws {
        let cluster = try TestCluster(workers: [])
        let reloaded = try CertificateAuthority.load(from: cluster.layout)
        try reloaded.issue(identity: .worker(4), hosts: ["127.0.0.1"], validity: .seconds(60)).write(to: cluster.layout)

        let context = try cluster.context(.worker(4), expecting: .coordinator)

        XCTAssertEqual(context.identity, .worker(4))
        XCTAssertEqual(reloaded.commonName, "Thaw cluster CA")
    }

    func testUnusableHostsAndIdentitiesAreRefused() throws {
        let authority = try CertificateAuthority.create(validity: .seconds(600))

        XCTAssertThrowsError(try authority.issue(identity: .worker(1), hosts: [], validity: .seconds(60))) { error in
            XCTAssertEqual(
                error as? CertificateError,
                .invalidHost("", reason: "give at least one host name or IP address peers will dial"))
        }
        XCTAssertThrowsError(try authority.issue(identity: .worker(1), hosts: ["a,DNS:evil"], validity: .seconds(60))) {
            guard case .invalidHost("a,DNS:evil", _) = $0 as? CertificateError else {
                return XCTFail("expected an invalid host, got \($0)")
            }
        }
        XCTAssertThrowsError(try authority.issue(identity: .worker(-1), hosts: ["h"], validity: .seconds(60))) {
            XCTAssertEqual($0 as? CertificateError, .invalidIdentity(.worker(-1)))
        }
        XCTAssertThrowsError(try authority.issue(identity: .coordinator, hosts: ["h"], validity: .zero)) {
            XCTAssertEqual($0 as? CertificateError, .invalidValidity(.zero))
        }
    }

    func testLoadingFromAnEmptyFolderNamesTheMissingFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thaw-empty-\(UUID().uuidString)")
        let layout = ClusterCertificateLayout(folder: folder)

        XCTAssertThrowsError(try CertificateAuthority.load(from: layout)) { error in
            XCTAssertEqual(
                error as? CertificateError,
                .unreadableFile(path: layout.caCertificate.path, cause: "the file does not exist"))
            XCTAssertTrue("\(error)".contains("thaw certs"))
        }
    }

    func testIdentityCommonNamesRoundTripAndRejectLookalikes() {
        XCTAssertEqual(PeerIdentity(commonName: "thaw-coordinator"), .coordinator)
        XCTAssertEqual(PeerIdentity(commonName: "thaw-worker-12"), .worker(12))
        XCTAssertEqual(PeerIdentity.worker(12).commonName, "thaw-worker-12")
        for lookalike in [
            "thaw-worker-", "thaw-worker-01", "thaw-worker--1", "thaw-worker-1x", "thaw-worker-99999", "worker-1",
        ] {
            XCTAssertNil(PeerIdentity(commonName: lookalike), lookalike)
        }
        XCTAssertTrue(PeerIdentityRule.anyWorker.admits(.worker(3)))
        XCTAssertFalse(PeerIdentityRule.anyWorker.admits(.coordinator))
        XCTAssertFalse(PeerIdentityRule.worker(2).admits(.worker(3)))
    }
}
