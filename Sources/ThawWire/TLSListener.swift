import Foundation
import Synchronization

/// A listening socket that accepts mutually authenticated TLS 1.3 connections from cluster peers.
///
/// Bind to port 0 to let the system pick a free port (as tests do), then read `port`. Each accepted client
/// has presented a certificate that verifies against the cluster CA and names an identity the listener's
/// rule admits; a client that fails either check is refused and `accept` reports why, so the caller can log
/// it and accept the next one.
public final class TLSListener: @unchecked Sendable {
    /// The host the listener was bound to.
    public let host: String

    /// The port the listener is bound to; the system's choice when 0 was asked for.
    public let port: Int

    /// The context every accepted connection uses.
    public let context: TLSContext

    /// The identities accepted from clients.
    public let rule: PeerIdentityRule

    /// The listening socket; owned.
    private let descriptor: Int32

    /// Whether `close()` has been called.
    private let isClosed = Mutex(false)

    /// Binds `host`:`port` and starts listening.
    ///
    /// - Parameters:
    ///   - rule: the identities accepted from clients; by default the context's `peerRule`.
    ///   - backlog: the most connections the kernel queues before `accept` takes them.
    /// - Throws: `TLSError.addressUnavailable` if the address does not resolve or is in use.
    public init(
        host: String = "127.0.0.1",
        port: Int,
        context: TLSContext,
        admitting rule: PeerIdentityRule? = nil,
        backlog: Int32 = 128
    ) throws(TLSError) {
        let (descriptor, bound) = try Socket.listen(host: host, port: port, backlog: backlog)
        self.descriptor = descriptor
        self.host = host
        self.port = bound.port
        self.context = context
        self.rule = rule ?? context.configuration.peerRule
    }

    deinit {
        Glibc.close(self.descriptor)
    }

    /// Waits for a client, completes the TLS handshake, checks the client's identity and confirms the
    /// session to it.
    ///
    /// - Parameter timeout: the time allowed for a client to arrive and complete the handshake.
    /// - Throws: `TLSError.timedOut` if no client completes in time; `.handshakeFailed` with the reason a
    ///   client was refused (no certificate, an untrusted chain, not TLS 1.3, not TLS at all);
    ///   `.identityRejected` if its certificate names an identity the rule does not admit; `.closed` after
    ///   `close()`.
    public func accept(timeout: Duration) throws(TLSError) -> TLSConnection {
        let deadline = ContinuousClock.now + timeout
        let operation = "accept a connection"
        let listening = "listener \(self.host):\(self.port)"

        while true {
            guard !self.isClosed.withLock({ $0 }) else {
                throw .closed(operation: operation, peer: listening)
            }

            switch Socket.wait(self.descriptor, forWriting: false, until: deadline) {
            case .ready:
                break
            case .timedOut:
                throw .timedOut(operation: operation, peer: listening, after: timeout)
            case .failed(let code):
                throw .transportFailed(operation: operation, peer: listening, cause: Socket.errorText(code))
            }

            switch Socket.accept(self.descriptor) {
            case .success(.some(let (client, address))):
                return try TLSConnection.accept(
                    descriptor: client,
                    address: address,
                    context: self.context,
                    rule: self.rule,
                    until: deadline,
                    timeout: timeout
                )
            case .success(.none):
                continue
            case .failure(let error):
                throw .transportFailed(operation: operation, peer: listening, cause: Socket.errorText(error.code))
            }
        }
    }

    /// Stops accepting: wakes a thread waiting in `accept`, which then throws `TLSError.closed`.
    /// Connections already accepted are not affected.
    public func close() {
        self.isClosed.withLock { isClosed in
            isClosed = true
            shutdown(self.descriptor, Int32(SHUT_RDWR))
        }
    }
}
