import Foundation
import ThawWire
import XCTest

/// Every way a client that should not get in is kept out, and what each side reports.
final class TLSRefusalTests: XCTestCase {
    private var cluster: TestCluster!

    override func setUpWithError() throws {
        self.cluster = try TestCluster()
    }

    override func tearDown() {
        self.cluster = nil
    }

    /// A listener with `identity`'s certificate admitting `rule`, accepting one client in the background.
    private func listen(
        as identity: PeerIdentity = .coordinator,
        admitting rule: PeerIdentityRule = .anyWorker
    ) throws -> (port: Int, accepted: Background<PeerIdentity>) {
        let listener = try TLSListener(port: 0, context: try self.cluster.context(identity, expecting: rule))
        let accepted = Background {
            let connection = try listener.accept(timeout: .seconds(10))
            defer { connection.close() }
            try connection.writeFrame(
                Frame(header: FrameHeader(messageType: 1, runID: 1, generation: 1, step: 1)), timeout: .seconds(5))
            return connection.peerIdentity
        }
        return (listener.port, accepted)
    }

    private func handshakeCause(_ background: Background<PeerIdentity>) -> String {
        guard case .handshakeFailed(_, let cause) = background.tlsError() else {
            XCTFail("expected the server to report a failed handshake")
            return ""
        }
        return cause
    }

    private func sClient(port: Int, _ extra: [String]) throws -> (Int32, Data, String) {
        try TestCluster.openssl(
            [
                "s_client", "-connect", "127.0.0.1:\(port)", "-quiet", "-CAfile",
                self.cluster.layout.caCertificate.path,
                "-verify_return_error", "-verify_ip", "127.0.0.1",
            ] + extra
        )
    }

    func testPlaintextClientIsRefused() throws {
        let (port, accepted) = try self.listen()

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        XCTAssertEqual(connected, 0)
        let bytes = try FrameEncoder().encode(
            Frame(header: FrameHeader(messageType: 1, runID: 1, generation: 1, step: 1)))
        XCTAssertEqual(send(descriptor, bytes, bytes.count, 0), bytes.count)

        let cause = self.handshakeCause(accepted)
        XCTAssertTrue(cause.contains("wrong version number") || cause.contains("packet length"), cause)
    }

    func testClientOfAnotherClusterDistrustsTheServerAndTheServerHearsWhy() throws {
        let other = try TestCluster()
        let (port, accepted) = try self.listen()
        let context = try other.context(.worker(1), expecting: .coordinator)

        XCTAssertThrowsError(
            try TLSConnection.connect(host: "127.0.0.1", port: port, context: context, timeout: .seconds(10))
        ) { error in
            guard case .handshakeFailed(_, let cause) = error as? TLSError else {
                return XCTFail("expected the client to distrust the server, got \(error)")
            }
            XCTAssertTrue(cause.contains("certificate verify failed"), cause)
        }
        let cause = self.handshakeCause(accepted)
        XCTAssertTrue(cause.contains("unknown ca"), cause)
    }

    func testForeignClientCertificateIsRefusedEvenWhenItTrustsTheServer() throws {
        let other = try TestCluster()
        let (port, accepted) = try self.listen()
        let (status, output, errors) = try self.sClient(
            port: port,
            [
                "-cert", other.layout.certificate(for: .worker(1)).path, "-key", other.layout.key(for: .worker(1)).path,
            ])

        let cause = self.handshakeCause(accepted)
        XCTAssertTrue(cause.contains("certificate verify failed"), cause)
        XCTAssertTrue(cause.contains("unable to get local issuer certificate"), cause)
        XCTAssertFalse(output.starts(with: [1]), "the foreign client was confirmed")
        XCTAssertTrue(status != 0 || errors.contains("alert"), errors)
    }

    func testClientWithoutCertificateIsRefused() throws {
        let (port, accepted) = try self.listen()
        let (_, output, errors) = try self.sClient(port: port, [])

        let cause = self.handshakeCause(accepted)
        XCTAssertTrue(cause.contains("peer did not return a certificate"), cause)
        XCTAssertTrue(errors.contains("certificate required"), errors)
        XCTAssertTrue(output.isEmpty)
    }

    func testTLS12ClientIsRefused() throws {
        let (port, accepted) = try self.listen()
        let (status, _, _) = try self.sClient(
            port: port,
            [
                "-tls1_2", "-cert", self.cluster.layout.certificate(for: .worker(1)).path,
                "-key", self.cluster.layout.key(for: .worker(1)).path,
            ])

        XCTAssertTrue(self.handshakeCause(accepted).contains("unsupported protocol"))
        XCTAssertNotEqual(status, 0)
    }

    func testOutsideClientWithWorkerCertificateIsAccepted() throws {
        let (port, accepted) = try self.listen()
        let (_, output, errors) = try self.sClient(
            port: port,
            [
                "-cert", self.cluster.layout.certificate(for: .worker(3)).path,
                "-key", self.cluster.layout.key(for: .worker(3)).path,
            ])

        XCTAssertEqual(try accepted.value(), .worker(3))
        XCTAssertEqual(Array(output.prefix(5)), [1] + Array("THAW".utf8), errors)
    }

    func testWorkerPosingAsCoordinatorIsRejectedByTheClient() throws {
        let (port, _) = try self.listen(as: .worker(1), admitting: .anyWorker)
        let context = try self.cluster.context(.worker(2), expecting: .coordinator)

        XCTAssertThrowsError(
            try TLSConnection.connect(host: "127.0.0.1", port: port, context: context, timeout: .seconds(10))
        ) { error in
            guard case .identityRejected(_, "thaw-worker-1", .coordinator) = error as? TLSError else {
                return XCTFail("expected the impostor to be rejected, got \(error)")
            }
        }
    }

    func testWorkerCertificateWhereCoordinatorIsExpectedIsRefusedByTheServer() throws {
        let (port, accepted) = try self.listen(as: .worker(2), admitting: .coordinator)
        let context = try self.cluster.context(.worker(1), expecting: .worker(2))

        XCTAssertThrowsError(
            try TLSConnection.connect(host: "127.0.0.1", port: port, context: context, timeout: .seconds(10))
        ) { error in
            guard case .refusedByPeer(_, let reason) = error as? TLSError else {
                return XCTFail("expected a refusal, got \(error)")
            }
            XCTAssertTrue(reason.contains("thaw-worker-1 is not accepted here"), reason)
        }
        guard case .identityRejected(_, "thaw-worker-1", .coordinator) = accepted.tlsError() else {
            return XCTFail("expected the server to name the rejected identity")
        }
    }

    func testWorkerCannotTakeAnotherWorkersPlaceOnTheRing() throws {
        let (port, accepted) = try self.listen(as: .worker(1), admitting: .worker(2))
        let context = try self.cluster.context(.worker(3), expecting: .worker(1))

        XCTAssertThrowsError(
            try TLSConnection.connect(host: "127.0.0.1", port: port, context: context, timeout: .seconds(10))
        ) { error in
            guard case .refusedByPeer(_, let reason) = error as? TLSError else {
                return XCTFail("expected a refusal, got \(error)")
            }
            XCTAssertTrue(reason.contains("worker 2"), reason)
        }
        guard case .identityRejected(_, "thaw-worker-3", .worker(2)) = accepted.tlsError() else {
            return XCTFail("expected the server to name the rejected identity")
        }
    }

    func testServerCertificateWithoutTheDialledHostIsRejected() throws {
        let narrow = try TestCluster(workers: [1], hosts: ["localhost"])
        let listener = try TLSListener(port: 0, context: try narrow.context(.coordinator, expecting: .anyWorker))
        _ = Background { try listener.accept(timeout: .seconds(5)).peerIdentity }
        let context = try narrow.context(.worker(1), expecting: .coordinator)

        XCTAssertThrowsError(
            try TLSConnection.connect(host: "127.0.0.1", port: listener.port, context: context, timeout: .seconds(10))
        ) { error in
            guard case .handshakeFailed(_, let cause) = error as? TLSError else {
                return XCTFail("expected a failed handshake, got \(error)")
            }
            XCTAssertTrue(cause.contains("IP address mismatch"), cause)
        }
    }
}
