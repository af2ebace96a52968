import Foundation
import ThawWire
import XCTest

final class TLSConnectionTests: XCTestCase {
    private var cluster: TestCluster!
    private var listener: TLSListener!

    override func setUpWithError() throws {
        self.cluster = try TestCluster()
        let context = try self.cluster.context(.coordinator, expecting: .anyWorker)
        self.listener = try TLSListener(host: "127.0.0.1", port: 0, context: context)
    }

    override func tearDown() {
        self.listener?.close()
        self.listener = nil
        self.cluster = nil
    }

    /// Accepts one client in the background and runs `serve` on it.
    private func serve(_ serve: @escaping @Sendable (TLSConnection) throws -> Void) -> Background<PeerIdentity> {
        let listener = self.listener!
        return Background {
            let connection = try listener.accept(timeout: .seconds(10))
            defer { connection.close() }
            try serve(connection)
            return connection.peerIdentity
        }
    }

    private func connectWorker(_ id: Int) throws -> TLSConnection {
        let context = try self.cluster.context(.worker(id), expecting: .coordinator)
        return try TLSConnection.connect(
            host: "127.0.0.1", port: self.listener.port, context: context, timeout: .seconds(10))
    }

    func testListenerOnPortZeroReportsTheBoundPort() {
        XCTAssertGreaterThan(self.listener.port, 0)
    }

    func testMutualHandshakeIdentifiesBothEndsAndEchoesFrames() throws {
        let server = self.serve { connection in
            for _ in 0..<3 {
                var frame = try connection.readFrame(timeout: .seconds(10))
                frame.header.step += 1
                try connection.writeFrame(frame, timeout: .seconds(10))
            }
        }
        let client = try self.connectWorker(2)
        defer { client.close() }

        var writer = BinaryWriter()
        writer.write("gradients")
        writer.write(floats: (0..<300_000).map { Float($0) * 0.5 })
        let frames = [
            Frame(header: FrameHeader(messageType: 1, runID: 77, generation: 2, step: 10)),
            Frame(header: FrameHeader(messageType: 2, runID: 77, generation: 2, step: 11), payload: [1, 2, 3]),
            Frame(header: FrameHeader(messageType: 3, runID: 77, generation: 2, step: 12), payload: writer.bytes),
        ]
        var echoed: [Frame] = []
        for frame in frames {
            try client.writeFrame(frame, timeout: .seconds(10))
            echoed.append(try client.readFrame(timeout: .seconds(10)))
        }

        XCTAssertEqual(client.peerIdentity, .coordinator)
        XCTAssertEqual(try server.value(), .worker(2))
        XCTAssertEqual(echoed.map(\.header.step), [11, 12, 13])
        XCTAssertEqual(echoed.map(\.payload), frames.map(\.payload))
        var reader = BinaryReader(echoed[2].payload)
        XCTAssertEqual(try reader.read(String.self), "gradients")
        XCTAssertEqual(try reader.readFloats().last, 149_999.5)
    }

    func testReadTimeoutFiresAndNamesTheOperationAndPeer() throws {
        let server = self.serve { connection in
            var ignored: [UInt8] = []
            try connection.read(into: &ignored, count: 1, timeout: .seconds(10))
        }
        let client = try self.connectWorker(1)
        defer { client.close() }

        let started = ContinuousClock.now
        XCTAssertThrowsError(try client.readFrame(timeout: .milliseconds(200))) { error in
            XCTAssertEqual(
                error as? TLSError,
                .timedOut(operation: "read a frame", peer: client.description, after: .milliseconds(200)))
            XCTAssertTrue("\(error)".contains("read a frame with thaw-coordinator at 127.0.0.1:"), "\(error)")
        }
        let waited = ContinuousClock.now - started
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(200))
        XCTAssertLessThan(waited, .seconds(2))

        try client.write([0], timeout: .seconds(5))
        XCTAssertNoThrow(try server.value())
    }

    func testEndOfStreamInsideAFrameIsReportedAsSuch() throws {
        let server = self.serve { connection in
            let bytes = try FrameEncoder().encode(
                Frame(
                    header: FrameHeader(messageType: 1, runID: 1, generation: 1, step: 1),
                    payload: Array(repeating: 9, count: 100)))
            try connection.write(Array(bytes.prefix(60)), timeout: .seconds(5))
        }
        let client = try self.connectWorker(1)
        defer { client.close() }
        _ = try server.value()

        XCTAssertThrowsError(try client.readFrame(timeout: .seconds(5))) { error in
            XCTAssertEqual(error as? TLSError, .closedMidFrame(peer: client.description, received: 60, expected: 140))
        }
    }

    func testEndOfStreamBetweenFramesIsAClosedPeer() throws {
        let server = self.serve { connection in
            try connection.writeFrame(
                Frame(header: FrameHeader(messageType: 5, runID: 1, generation: 1, step: 1)), timeout: .seconds(5))
        }
        let client = try self.connectWorker(3)
        defer { client.close() }
        _ = try server.value()

        XCTAssertEqual(try client.readFrame(timeout: .seconds(5)).header.messageType, 5)
        XCTAssertThrowsError(try client.readFrame(timeout: .seconds(5))) { error in
            XCTAssertEqual(error as? TLSError, .closedByPeer(operation: "read a frame", peer: client.description))
        }
    }

    func testCorruptedFrameIsCaughtByItsChecksum() throws {
        let server = self.serve { connection in
            var bytes = try FrameEncoder().encode(
                Frame(header: FrameHeader(messageType: 1, runID: 1, generation: 1, step: 1), payload: [1, 2, 3, 4]))
            bytes[42] ^= 0x10
            try connection.write(bytes, timeout: .seconds(5))
        }
        let client = try self.connectWorker(1)
        defer { client.close() }
        _ = try server.value()

        XCTAssertThrowsError(try client.readFrame(timeout: .seconds(5))) { error in
            guard case .malformedFrame(_, .checksumMismatch) = error as? TLSError else {
                return XCTFail("expected a checksum mismatch, got \(error)")
            }
        }
    }

    func testLargeFramesWrittenFromPartsArriveWholeAndACorruptOneFailsItsChecksum() throws {
        // Payloads past the direct-read size are read into a buffer of their own; both paths must agree.
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let tail: [UInt8] = [9, 8, 7]
        let header = FrameHeader(messageType: 4, runID: 2, generation: 3, step: 11)
        let server = self.serve { connection in
            try large.withUnsafeBytes { body in
                try tail.withUnsafeBytes { tail in
                    try connection.writeFrame(header: header, payload: [body, tail], timeout: .seconds(5))
                }
            }
            try connection.writeFrame(header: header, payload: [], timeout: .seconds(5))
            var corrupt = try FrameEncoder().encode(Frame(header: header, payload: large))
            corrupt[FrameHeader.byteCount + 200_000] ^= 0x01
            try connection.write(corrupt, timeout: .seconds(5))
        }
        let client = try self.connectWorker(1)
        defer { client.close() }

        let first = try client.readFrame(timeout: .seconds(5))
        XCTAssertEqual(first.header, header)
        XCTAssertEqual(first.payload, large + tail)
        XCTAssertEqual(try client.readFrame(timeout: .seconds(5)), Frame(header: header))
        XCTAssertThrowsError(try client.readFrame(timeout: .seconds(5))) { error in
            guard case .malformedFrame(_, .checksumMismatch) = error as? TLSError else {
                return XCTFail("expected a checksum mismatch, got \(error)")
            }
        }
        _ = try server.value()
    }

    func testAcceptTimesOutWhenNoClientArrives() {
        XCTAssertThrowsError(try self.listener.accept(timeout: .milliseconds(100))) { error in
            guard case .timedOut("accept a connection", _, .milliseconds(100)) = error as? TLSError else {
                return XCTFail("expected an accept timeout, got \(error)")
            }
        }
    }

    func testOperationsAfterCloseThrowClosed() throws {
        let server = self.serve { _ in }
        let client = try self.connectWorker(1)
        _ = try server.value()
        client.close()

        XCTAssertThrowsError(try client.write([1], timeout: .seconds(1))) { error in
            XCTAssertEqual(error as? TLSError, .closed(operation: "write 1 bytes", peer: client.description))
        }
    }
}
