import Foundation
import ThawWire
import XCTest

final class TLSConfigurationTests: XCTestCase {
    func testValidConfigurationReportsItsOwnIdentity() throws {
        let cluster = try TestCluster()

        XCTAssertEqual(try cluster.context(.worker(2), expecting: .coordinator).identity, .worker(2))
        XCTAssertEqual(try cluster.context(.coordinator, expecting: .anyWorker).identity, .coordinator)
    }

    func testMissingCertificateIsNamedWithTheFix() throws {
        let cluster = try TestCluster(workers: [])
        let configuration = cluster.configuration(.worker(9), expecting: .coordinator)

        XCTAssertThrowsError(try configuration.makeContext()) { error in
            XCTAssertEqual(error as? TLSError, .missingFile(role: "certificate", path: configuration.certificatePath))
            XCTAssertTrue("\(error)".contains("thaw certs"))
        }
    }

    func testKeyFromAnotherCertificateIsRefused() throws {
        let cluster = try TestCluster()
        var configuration = cluster.configuration(.worker(1), expecting: .coordinator)
        configuration.privateKeyPath = cluster.layout.key(for: .worker(2)).path

        XCTAssertThrowsError(try configuration.makeContext()) { error in
            XCTAssertEqual(
                error as? TLSError,
                .keyDoesNotMatchCertificate(
                    keyPath: configuration.privateKeyPath, certificatePath: configuration.certificatePath)
            )
        }
    }

    func testCertificateFromAnotherCAIsRefused() throws {
        let cluster = try TestCluster()
        let other = try TestCluster()
        var configuration = cluster.configuration(.worker(1), expecting: .coordinator)
        configuration.caCertificatePath = other.layout.caCertificate.path

        XCTAssertThrowsError(try configuration.makeContext()) { error in
            guard case .certificateNotSignedByCA(let certificate, let ca, let cause) = error as? TLSError else {
                return XCTFail("expected a chain error, got \(error)")
            }
            XCTAssertEqual(certificate, configuration.certificatePath)
            XCTAssertEqual(ca, other.layout.caCertificate.path)
            XCTAssertTrue(cause.contains("unable to get local issuer certificate"), cause)
        }
    }

    /// The configuration of worker 5 in a fresh cluster, its certificate valid for an hour from `start`.
    private func worker5(validFrom start: Date) throws -> (TestCluster, TLSConfiguration) {
        let cluster = try TestCluster(workers: [])
        try cluster.authority.issue(
            identity: .worker(5), hosts: ["127.0.0.1"], validity: .seconds(3_600), notBefore: start
        )
        .write(to: cluster.layout)
        return (cluster, cluster.configuration(.worker(5), expecting: .coordinator))
    }

    func testExpiredCertificateIsRefusedWithItsEndDate() throws {
        let start = Date(timeIntervalSinceNow: -7_200)
        let (cluster, configuration) = try self.worker5(validFrom: start)
        defer { withExtendedLifetime(cluster) {} }

        XCTAssertThrowsError(try configuration.makeContext()) { error in
            guard case .certificateExpired(let path, let notAfter) = error as? TLSError else {
                return XCTFail("expected an expired certificate, got \(error)")
            }
            XCTAssertEqual(path, configuration.certificatePath)
            XCTAssertEqual(notAfter.timeIntervalSince1970, start.timeIntervalSince1970 + 3_600, accuracy: 1)
        }
    }

    func testCertificateFromAHostWhoseClockRunsAheadIsAcceptedWithinTheAllowance() throws {
        // Made on a host ten minutes ahead of this one: within the hour of allowance, so accepted.
        let (cluster, configuration) = try self.worker5(validFrom: Date(timeIntervalSinceNow: 600))
        defer { withExtendedLifetime(cluster) {} }
        XCTAssertNoThrow(try configuration.makeContext())
    }

    func testCertificateNotYetValidIsRefusedWithItsStartDate() throws {
        let start = Date(timeIntervalSinceNow: 7_200)
        let (cluster, configuration) = try self.worker5(validFrom: start)
        defer { withExtendedLifetime(cluster) {} }

        XCTAssertThrowsError(try configuration.makeContext()) { error in
            guard case .certificateNotYetValid(let path, let notBefore) = error as? TLSError else {
                return XCTFail("expected a certificate not yet valid, got \(error)")
            }
            XCTAssertEqual(path, configuration.certificatePath)
            let allowance = Double(CertificateAuthority.clockSkewAllowance.components.seconds)
            XCTAssertEqual(notBefore.timeIntervalSince1970, start.timeIntervalSince1970 - allowance, accuracy: 1)
            XCTAssertTrue("\(error)".contains("check this host's clock"), "\(error)")
        }
    }

    func testGarbageInPlaceOfACertificateIsReported() throws {
        let cluster = try TestCluster(workers: [1])
        let path = cluster.layout.certificate(for: .worker(1)).path
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: path))

        XCTAssertThrowsError(try cluster.configuration(.worker(1), expecting: .coordinator).makeContext()) { error in
            guard case .unreadableFile("certificate", path, let cause) = error as? TLSError else {
                return XCTFail("expected an unreadable certificate, got \(error)")
            }
            XCTAssertTrue(cause.contains("not a PEM certificate"), cause)
        }
    }
}
