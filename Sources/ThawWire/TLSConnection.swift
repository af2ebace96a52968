import COpenSSL
import CThawShim
import Foundation
import Synchronization

/// A mutually authenticated TLS 1.3 connection to one cluster peer, carrying frames or raw bytes.
///
/// Make one with `connect(host:port:context:expecting:timeout:)`, or receive one from
/// `TLSListener.accept(timeout:)`. Either way the peer's certificate chain has been verified against the
/// cluster CA and its identity checked against a `PeerIdentityRule` before the connection is returned.
///
/// Session confirmation: under TLS 1.3 a client finishes its handshake before the server has checked the
/// client's certificate, so a refused client's handshake still succeeds and the refusal only shows on its
/// first read. The server therefore sends one status byte once it has accepted the client (1), or a refusal
/// (0, a `UInt16` length and a UTF-8 reason) before closing; the client reads it before returning. A
/// connection returned by `connect` has been accepted by the server.
///
/// Every operation takes a timeout (a `Duration`) and fails with a `TLSError` naming the operation, the peer
/// and the cause. One thread may read while another writes; reads are serialised with each other, as are
/// writes, and each OpenSSL call holds the connection's lock only while it runs, never while it waits.
public final class TLSConnection: @unchecked Sendable, CustomStringConvertible {
    /// The peer's numeric address, such as `127.0.0.1:52100`.
    public let peerAddress: String

    /// The identity the peer's verified certificate names. Set during the handshake, before the connection
    /// is returned, and never changed afterwards.
    public private(set) var peerIdentity: PeerIdentity = .coordinator

    /// The OpenSSL session; owned, freed with the connection.
    private let ssl: OpaquePointer

    /// The socket; owned, closed with the connection.
    private let descriptor: Int32

    /// Whether the handshake has completed, so the identity can be shown.
    private var isEstablished = false

    /// Guards every OpenSSL call on `ssl`, and records whether the connection is closed or has failed.
    private let session = Mutex(SessionState())

    /// Serialises readers and holds the frame decoder, whose errors stick once the stream is out of step.
    private let reading: Mutex<FrameDecoder>

    /// Serialises writers, so frames from two threads never interleave.
    private let writing = Mutex(())

    /// The encoder for outgoing frames.
    private let encoder: FrameEncoder

    /// Payloads at least this long are read straight into their own buffer (see `readFrame(timeout:)`).
    private static let directPayloadByteCount = 4096

    /// The state guarded by `session`.
    private struct SessionState {
        /// `close()` has been called.
        var isClosed = false

        /// A fatal TLS error occurred, after which OpenSSL forbids a shutdown.
        var hasFailed = false
    }

    /// The outcome of one attempt at an OpenSSL call.
    private enum Attempt {
        case done
        case wait(forWriting: Bool)
        case failed(SessionFailure)
        case closed
    }

    private init(ssl: OpaquePointer, descriptor: Int32, address: SocketAddress, limits: FrameLimits) {
        self.ssl = ssl
        self.descriptor = descriptor
        self.peerAddress = "\(address)"
        self.reading = Mutex(FrameDecoder(limits: limits))
        self.encoder = FrameEncoder(limits: limits)
    }

    deinit {
        SSL_free(self.ssl)
        Glibc.close(self.descriptor)
    }

    /// The peer's identity and address, such as `thaw-worker-2 at 127.0.0.1:52100`.
    public var description: String {
        self.isEstablished ? "\(self.peerIdentity) at \(self.peerAddress)" : self.peerAddress
    }

    /// Connects to `host`:`port`, completes a TLS 1.3 handshake, and waits for the server to confirm it.
    ///
    /// The server's chain must verify against the cluster CA, its certificate must carry `host` as a DNS or
    /// IP subject alternative name, and its identity must satisfy `expecting` (by default the context's
    /// `peerRule`).
    ///
    /// - Parameter timeout: the time allowed for the TCP connect, the handshake and the confirmation together.
    /// - Throws: `TLSError.connectFailed`, `.timedOut`, `.handshakeFailed` (for example a hostname mismatch
    ///   or an untrusted server), `.identityRejected` (the server is not who was expected), or
    ///   `.refusedByPeer` (the server refused this client, with its reason).
    public static func connect(
        host: String,
        port: Int,
        context: TLSContext,
        expecting rule: PeerIdentityRule? = nil,
        timeout: Duration
    ) throws(TLSError) -> TLSConnection {
        let deadline = ContinuousClock.now + timeout
        let (descriptor, address) = try Socket.connect(host: host, port: port, until: deadline, timeout: timeout)

        let connection = try Self.wrap(descriptor: descriptor, address: address, context: context)

        OpenSSLErrorQueue.clear()
        guard SSL_set1_host(connection.ssl, host) == 1 else {
            throw .setupFailed(operation: "setting the expected host \(host)", detail: OpenSSLErrorQueue.drain())
        }
        var scratch = in6_addr()
        if inet_pton(AF_INET, host, &scratch) != 1 && inet_pton(AF_INET6, host, &scratch) != 1 {
            _ = thaw_ssl_set_tlsext_host_name(UnsafeMutableRawPointer(connection.ssl), host)
        }

        if let failure = try connection.drive("TLS handshake", until: deadline, timeout: timeout, { SSL_connect($0) }) {
            throw .handshakeFailed(peer: connection.description, cause: failure.cause)
        }

        let identity = try connection.verifiedPeerIdentity()
        let rule = rule ?? context.configuration.peerRule
        guard rule.admits(identity) else {
            connection.close()
            throw .identityRejected(peer: connection.description, presented: identity.commonName, expected: rule)
        }

        try connection.awaitConfirmation(until: deadline, timeout: timeout)
        return connection
    }

    /// Completes the server side of a handshake on an accepted socket and confirms or refuses the client.
    static func accept(
        descriptor: Int32,
        address: SocketAddress,
        context: TLSContext,
        rule: PeerIdentityRule,
        until deadline: ContinuousClock.Instant,
        timeout: Duration
    ) throws(TLSError) -> TLSConnection {
        let connection = try Self.wrap(descriptor: descriptor, address: address, context: context)

        if let failure = try connection.drive("TLS handshake", until: deadline, timeout: timeout, { SSL_accept($0) }) {
            throw .handshakeFailed(peer: connection.description, cause: failure.cause)
        }

        let identity = try connection.verifiedPeerIdentity()
        guard rule.admits(identity) else {
            let reason = "the identity \(identity) is not accepted here, \(rule) is expected"
            var refusal = BinaryWriter()
            refusal.write(UInt8(0))
            refusal.write(UInt16(reason.utf8.count))
            refusal.write(bytes: reason.utf8)
            try? connection.send(refusal.bytes, operation: "send a refusal", until: deadline, timeout: timeout)
            connection.close()
            throw .identityRejected(peer: connection.description, presented: identity.commonName, expected: rule)
        }

        try connection.send([1], operation: "confirm the session", until: deadline, timeout: timeout)
        return connection
    }

    /// Writes all of `bytes`.
    ///
    /// - Throws: `TLSError.timedOut` if they cannot all be handed to the kernel within `timeout`;
    ///   `.closedByPeer`, `.connectionReset`, `.alertReceived`, `.transportFailed` or `.closed` otherwise.
    public func write(_ bytes: [UInt8], timeout: Duration) throws(TLSError) {
        let deadline = ContinuousClock.now + timeout
        try self.writing.withLock { _ throws(TLSError) in
            try self.send(bytes, operation: "write \(bytes.count) bytes", until: deadline, timeout: timeout)
        }
    }

    /// Encodes and writes one frame.
    ///
    /// - Throws: `TLSError.malformedFrame` if the payload exceeds the frame limits, and as `write(_:timeout:)`.
    public func writeFrame(_ frame: Frame, timeout: Duration) throws(TLSError) {
        let bytes: [UInt8]
        do throws(WireError) {
            bytes = try self.encoder.encode(frame)
        } catch {
            throw .malformedFrame(peer: self.description, error)
        }

        let deadline = ContinuousClock.now + timeout
        try self.writing.withLock { _ throws(TLSError) in
            try self.send(
                bytes, operation: "write a frame of type \(frame.header.messageType)", until: deadline, timeout: timeout
            )
        }
    }

    /// Writes one frame whose payload is the concatenation of `parts`, straight from where the parts lie.
    ///
    /// The header goes first, then each part; no part is copied into a frame buffer, which matters for the
    /// large pieces of a collective.
    ///
    /// - Throws: `TLSError.malformedFrame` if the parts together exceed the frame limits, and as
    ///   `write(_:timeout:)`.
    public func writeFrame(header: FrameHeader, payload parts: [UnsafeRawBufferPointer], timeout: Duration)
        throws(TLSError)
    {
        let headerBytes: [UInt8]
        do throws(WireError) {
            headerBytes = try self.encoder.encodeHeader(header, payload: parts)
        } catch {
            throw .malformedFrame(peer: self.description, error)
        }

        let deadline = ContinuousClock.now + timeout
        let operation = "write a frame of type \(header.messageType)"
        try self.writing.withLock { _ throws(TLSError) in
            try self.send(headerBytes, operation: operation, until: deadline, timeout: timeout)
            for part in parts {
                try self.send(part, operation: operation, until: deadline, timeout: timeout)
            }
        }
    }

    /// Reads exactly `count` bytes and appends them to `buffer`.
    ///
    /// - Throws: `TLSError.timedOut` if they have not all arrived within `timeout`; `.closedByPeer` if the
    ///   stream ends first; `.connectionReset`, `.alertReceived`, `.transportFailed` or `.closed` otherwise.
    ///   On a throw, `buffer` holds whatever did arrive.
    public func read(into buffer: inout [UInt8], count: Int, timeout: Duration) throws(TLSError) {
        let deadline = ContinuousClock.now + timeout
        let operation = "read \(count) bytes"
        let start = buffer.count

        let isComplete = try self.reading.withLock { _ throws(TLSError) -> Bool in
            var received: [UInt8] = []
            defer { buffer.append(contentsOf: received) }
            return try self.receive(count, into: &received, operation: operation, until: deadline, timeout: timeout)
        }
        guard isComplete else {
            throw .closedByPeer(operation: "\(operation) (\(buffer.count - start) arrived)", peer: self.description)
        }
    }

    /// Reads the next frame, checking its header, length limit and checksum.
    ///
    /// - Throws: `TLSError.timedOut` naming the operation; `.closedByPeer` if the stream ends between
    ///   frames; `.closedMidFrame` if it ends inside one; `.malformedFrame` for bad magic, version, length
    ///   or checksum, after which every later read throws the same; and as `read(into:count:timeout:)`.
    public func readFrame(timeout: Duration) throws(TLSError) -> Frame {
        let deadline = ContinuousClock.now + timeout

        return try self.reading.withLock { decoder throws(TLSError) -> Frame in
            while true {
                let frame: Frame?
                do throws(WireError) {
                    frame = try decoder.nextFrame()
                } catch {
                    throw .malformedFrame(peer: self.description, error)
                }
                if let frame {
                    return frame
                }

                // A large payload is read into a buffer of its own, not appended to the decoder's and copied out.
                if let length = decoder.payloadLengthAwaited, length >= Self.directPayloadByteCount {
                    var payload: [UInt8] = []
                    payload.reserveCapacity(length)
                    let isComplete = try self.receive(
                        length, into: &payload, operation: "read a frame", until: deadline, timeout: timeout)
                    guard isComplete else {
                        throw .closedMidFrame(
                            peer: self.description, received: FrameHeader.byteCount + payload.count,
                            expected: FrameHeader.byteCount + length)
                    }
                    do throws(WireError) {
                        return try decoder.completeFrame(payload: payload)
                    } catch {
                        throw .malformedFrame(peer: self.description, error)
                    }
                }

                let already = decoder.bufferedByteCount
                let needed = decoder.bytesNeededForNextFrame
                var received: [UInt8] = []
                let isComplete = try self.receive(
                    needed,
                    into: &received,
                    operation: "read a frame",
                    until: deadline,
                    timeout: timeout
                )
                decoder.append(contentsOf: received)

                guard isComplete else {
                    let arrived = already + received.count
                    if arrived == 0 {
                        throw .closedByPeer(operation: "read a frame", peer: self.description)
                    }
                    throw .closedMidFrame(peer: self.description, received: arrived, expected: already + needed)
                }
            }
        }
    }

    /// Ends the session: sends a TLS close_notify if the session is healthy, and shuts the socket down in
    /// both directions, which wakes any thread waiting on it. Later operations throw `TLSError.closed`.
    /// Calling it again does nothing.
    public func close() {
        self.session.withLock { state in
            guard !state.isClosed else {
                return
            }
            state.isClosed = true

            if !state.hasFailed && self.isEstablished {
                SSL_shutdown(self.ssl)
            }
            shutdown(self.descriptor, Int32(SHUT_RDWR))
        }
    }

    /// Makes a connection object owning `descriptor` and a fresh OpenSSL session on it.
    private static func wrap(
        descriptor: Int32,
        address: SocketAddress,
        context: TLSContext
    ) throws(TLSError) -> TLSConnection {
        OpenSSLErrorQueue.clear()

        guard let ssl = SSL_new(context.pointer) else {
            Glibc.close(descriptor)
            throw .setupFailed(operation: "creating a TLS session for \(address)", detail: OpenSSLErrorQueue.drain())
        }
        let connection = TLSConnection(
            ssl: ssl,
            descriptor: descriptor,
            address: address,
            limits: context.configuration.frameLimits
        )

        guard SSL_set_fd(ssl, descriptor) == 1 else {
            throw .setupFailed(operation: "attaching a TLS session to \(address)", detail: OpenSSLErrorQueue.drain())
        }
        return connection
    }

    /// The identity named by the peer's certificate, which OpenSSL has verified during the handshake.
    private func verifiedPeerIdentity() throws(TLSError) -> PeerIdentity {
        guard let pointer = SSL_get1_peer_certificate(self.ssl) else {
            self.close()
            throw .handshakeFailed(peer: self.description, cause: "the peer presented no certificate")
        }
        let certificate = X509Certificate(owning: pointer)

        guard let identity = PeerIdentity(commonName: certificate.commonName ?? "") else {
            self.close()
            let name = certificate.commonName ?? "no common name"
            throw .identityRejected(peer: self.description, presented: name, expected: .anyMember)
        }

        self.peerIdentity = identity
        self.isEstablished = true
        return identity
    }

    /// Reads the server's status byte, and its reason if it refused this client.
    private func awaitConfirmation(until deadline: ContinuousClock.Instant, timeout: Duration) throws(TLSError) {
        var status: [UInt8] = []
        do throws(TLSError) {
            guard try self.receive(1, into: &status, operation: "await confirmation", until: deadline, timeout: timeout)
            else {
                throw .refusedByPeer(peer: self.description, reason: "it closed the connection without confirming it")
            }
        } catch {
            self.close()
            switch error {
            case .alertReceived(_, _, let alert):
                throw .refusedByPeer(peer: self.description, reason: "TLS alert \"\(alert)\"")
            case .connectionReset:
                throw .refusedByPeer(peer: self.description, reason: "it reset the connection")
            default:
                throw error
            }
        }

        guard status != [1] else {
            return
        }
        defer { self.close() }
        guard status == [0] else {
            throw .refusedByPeer(peer: self.description, reason: "its first byte \(status[0]) is not a Thaw status")
        }

        var length: [UInt8] = []
        var reason: [UInt8] = []
        if try self.receive(2, into: &length, operation: "read the refusal", until: deadline, timeout: timeout) {
            let count = min(Int(length[0]) << 8 | Int(length[1]), 1024)
            _ = try self.receive(count, into: &reason, operation: "read the refusal", until: deadline, timeout: timeout)
        }
        throw .refusedByPeer(peer: self.description, reason: String(decoding: reason, as: UTF8.self))
    }

    /// Writes all of `bytes`; the caller serialises writers.
    private func send(
        _ bytes: [UInt8],
        operation: String,
        until deadline: ContinuousClock.Instant,
        timeout: Duration
    ) throws(TLSError) {
        try bytes.withUnsafeBytes { bytes in
            Result { () throws(TLSError) in
                try self.send(bytes, operation: operation, until: deadline, timeout: timeout)
            }
        }.get()
    }

    /// Writes all of `bytes`; the caller serialises writers.
    private func send(
        _ bytes: UnsafeRawBufferPointer,
        operation: String,
        until deadline: ContinuousClock.Instant,
        timeout: Duration
    ) throws(TLSError) {
        guard !bytes.isEmpty else {
            return
        }

        var written = 0
        let failure = try self.drive(operation, until: deadline, timeout: timeout) { ssl in
            SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &written)
        }
        if let failure {
            throw failure.error(during: operation, peer: self.description)
        }
    }

    /// Reads until `count` bytes have been appended to `buffer`; the caller serialises readers.
    ///
    /// - Returns: true if all arrived, false if the stream ended first (`buffer` then holds what arrived).
    private func receive(
        _ count: Int,
        into buffer: inout [UInt8],
        operation: String,
        until deadline: ContinuousClock.Instant,
        timeout: Duration
    ) throws(TLSError) -> Bool {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        var received = 0
        defer { buffer.removeLast(count - received) }

        while received < count {
            var got = 0
            let failure = try self.drive(operation, until: deadline, timeout: timeout) { ssl in
                buffer.withUnsafeMutableBytes { raw in
                    SSL_read_ex(ssl, raw.baseAddress! + start + received, count - received, &got)
                }
            }
            received += got

            if let failure {
                guard case .endOfStream = failure.kind else {
                    throw failure.error(during: operation, peer: self.description)
                }
                return false
            }
        }
        return true
    }

    /// Runs one OpenSSL call until it succeeds or fails, waiting in `poll()` (without the lock) whenever
    /// OpenSSL needs the socket to become readable or writable.
    ///
    /// - Returns: `nil` on success, or how the call failed.
    /// - Throws: `TLSError.timedOut` when `deadline` passes, `.closed` after `close()`, `.transportFailed` if
    ///   `poll()` fails.
    private func drive(
        _ operation: String,
        until deadline: ContinuousClock.Instant,
        timeout: Duration,
        _ call: (OpaquePointer) -> Int32
    ) throws(TLSError) -> SessionFailure? {
        while true {
            let attempt = self.session.withLock { state -> Attempt in
                guard !state.isClosed else {
                    return .closed
                }

                OpenSSLErrorQueue.clear()
                errno = 0
                let status = call(self.ssl)
                let systemError = errno
                guard status <= 0 else {
                    return .done
                }

                let code = SSL_get_error(self.ssl, status)
                switch code {
                case SSL_ERROR_WANT_READ:
                    return .wait(forWriting: false)
                case SSL_ERROR_WANT_WRITE:
                    return .wait(forWriting: true)
                default:
                    state.hasFailed = code == SSL_ERROR_SSL || code == SSL_ERROR_SYSCALL
                    let queue = OpenSSLErrorQueue.drain(fallback: "no detail from OpenSSL")
                    let verifyResult = SSL_get_verify_result(self.ssl)
                    return .failed(
                        SessionFailure(
                            sslError: code, systemError: systemError, queue: queue, verifyResult: verifyResult)
                    )
                }
            }

            switch attempt {
            case .done:
                return nil
            case .failed(let failure):
                return failure
            case .closed:
                throw .closed(operation: operation, peer: self.description)
            case .wait(let forWriting):
                switch Socket.wait(self.descriptor, forWriting: forWriting, until: deadline) {
                case .ready:
                    continue
                case .timedOut:
                    throw .timedOut(operation: operation, peer: self.description, after: timeout)
                case .failed(let code):
                    throw .transportFailed(operation: operation, peer: self.description, cause: Socket.errorText(code))
                }
            }
        }
    }
}
