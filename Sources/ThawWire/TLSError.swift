import Foundation

/// A failure setting up TLS or using a TLS connection.
///
/// Configuration cases are found when a `TLSContext` is made, before any connection, and say what to fix.
/// Connection cases name the operation, the peer (its address, and its identity once known) and the cause.
/// Following the failure model in DESIGN.md, a caller treats end of stream, reset, alert, timeout and a
/// malformed frame alike as the loss of that peer.
public enum TLSError: Error, Equatable, Sendable {
    /// A certificate or key file named in the configuration does not exist.
    case missingFile(role: String, path: String)

    /// A file exists but cannot be read or is not the PEM it should be.
    case unreadableFile(role: String, path: String, cause: String)

    /// The private key does not belong to the certificate.
    case keyDoesNotMatchCertificate(keyPath: String, certificatePath: String)

    /// The certificate does not verify against the configured CA.
    case certificateNotSignedByCA(certificatePath: String, caPath: String, cause: String)

    /// A certificate's validity period has ended.
    case certificateExpired(path: String, notAfter: Date)

    /// A certificate's validity period has not begun.
    case certificateNotYetValid(path: String, notBefore: Date)

    /// A certificate's subject common name is neither `thaw-coordinator` nor `thaw-worker-<id>`.
    case notAClusterIdentity(path: String, commonName: String)

    /// OpenSSL refused a setup step or the system refused a socket call that should not fail.
    case setupFailed(operation: String, detail: String)

    /// A host name did not resolve, or the address could not be bound or listened on.
    case addressUnavailable(host: String, port: Int, cause: String)

    /// No TCP connection could be made to the peer.
    case connectFailed(peer: String, cause: String)

    /// A wait ran out of time.
    case timedOut(operation: String, peer: String, after: Duration)

    /// The peer ended the stream where a complete message was expected, or before it.
    case closedByPeer(operation: String, peer: String)

    /// The peer ended the stream inside a frame: `received` of at least `expected` bytes had arrived.
    case closedMidFrame(peer: String, received: Int, expected: Int)

    /// The peer reset the connection.
    case connectionReset(operation: String, peer: String)

    /// The peer sent a TLS alert.
    case alertReceived(operation: String, peer: String, alert: String)

    /// The TLS handshake failed; `cause` says why (certificate verification, protocol version, not TLS...).
    case handshakeFailed(peer: String, cause: String)

    /// The server refused this client after the handshake; `reason` is the server's or the alert it sent.
    case refusedByPeer(peer: String, reason: String)

    /// The peer's certificate is genuine but names an identity the rule does not admit.
    case identityRejected(peer: String, presented: String, expected: PeerIdentityRule)

    /// A frame from the peer was malformed.
    case malformedFrame(peer: String, WireError)

    /// Another TLS or socket failure during an operation.
    case transportFailed(operation: String, peer: String, cause: String)

    /// The connection or listener was closed locally before or during the operation.
    case closed(operation: String, peer: String)
}

extension TLSError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missingFile(let role, let path):
            return "TLS setup: the \(role) \(path) does not exist; create the cluster's certificates with `thaw certs` "
                + "or fix the path."
        case .unreadableFile(let role, let path, let cause):
            return "TLS setup: the \(role) \(path) cannot be used: \(cause)."
        case .keyDoesNotMatchCertificate(let keyPath, let certificatePath):
            return "TLS setup: the private key \(keyPath) does not belong to the certificate \(certificatePath); "
                + "use the key issued with that certificate."
        case .certificateNotSignedByCA(let certificatePath, let caPath, let cause):
            return "TLS setup: the certificate \(certificatePath) does not verify against the CA \(caPath) (\(cause)); "
                + "issue it from this cluster's CA or point at the right ca.pem."
        case .certificateExpired(let path, let notAfter):
            return "TLS setup: the certificate \(path) expired at \(notAfter); issue a new one with `thaw certs`."
        case .certificateNotYetValid(let path, let notBefore):
            return "TLS setup: the certificate \(path) is not valid before \(notBefore); check this host's clock."
        case .notAClusterIdentity(let path, let commonName):
            return "TLS setup: the certificate \(path) names \"\(commonName)\", which is not a cluster identity "
                + "(thaw-coordinator or thaw-worker-<id>); use a certificate made by `thaw certs`."
        case .setupFailed(let operation, let detail):
            return "TLS setup: \(operation) failed: \(detail)."
        case .addressUnavailable(let host, let port, let cause):
            return "Address \(host):\(port) is unavailable: \(cause)."
        case .connectFailed(let peer, let cause):
            return "Connecting to \(peer) failed: \(cause); check that it is running and reachable."
        case .timedOut(let operation, let peer, let after):
            return "Timed out after \(after) waiting to \(operation) with \(peer)."
        case .closedByPeer(let operation, let peer):
            return "\(peer) closed the connection during \(operation)."
        case .closedMidFrame(let peer, let received, let expected):
            return "\(peer) closed the connection in the middle of a frame (\(received) of \(expected) bytes arrived)."
        case .connectionReset(let operation, let peer):
            return "\(peer) reset the connection during \(operation)."
        case .alertReceived(let operation, let peer, let alert):
            return "\(peer) sent TLS alert \"\(alert)\" during \(operation)."
        case .handshakeFailed(let peer, let cause):
            return "TLS handshake with \(peer) failed: \(cause)."
        case .refusedByPeer(let peer, let reason):
            return "\(peer) refused this connection after the handshake: \(reason); "
                + "check that this host's certificate comes from the cluster CA and names the expected identity."
        case .identityRejected(let peer, let presented, let expected):
            return "\(peer) presented the identity \(presented) but \(expected) was expected; refusing it."
        case .malformedFrame(let peer, let error):
            return "Malformed frame from \(peer): \(error)"
        case .transportFailed(let operation, let peer, let cause):
            return "\(operation) with \(peer) failed: \(cause)."
        case .closed(let operation, let peer):
            return "Cannot \(operation) with \(peer): the connection was closed locally."
        }
    }
}
