import COpenSSL
import Foundation

/// How one OpenSSL call on a connection failed, gathered while the connection's lock is held.
struct SessionFailure: Sendable {
    /// What the failure amounts to.
    enum Kind: Sendable {
        /// The peer ended the stream, with or without a TLS close_notify.
        case endOfStream

        /// The peer reset the TCP connection.
        case reset

        /// The peer sent a TLS alert.
        case alert

        /// A local TLS or system failure.
        case other
    }

    /// What the failure amounts to.
    let kind: Kind

    /// The cause in words: OpenSSL's reasons, the certificate verification result, or the system error.
    let cause: String

    /// Classifies the failure of an OpenSSL call from `SSL_get_error`'s code, the `errno` right after the
    /// call, the drained error queue and `SSL_get_verify_result`.
    init(sslError: Int32, systemError: Int32, queue: String, verifyResult: Int) {
        let verification =
            verifyResult == Int(X509_V_OK) ? "" : " (\(String(cString: X509_verify_cert_error_string(verifyResult))))"

        switch sslError {
        case SSL_ERROR_ZERO_RETURN:
            self.kind = .endOfStream
            self.cause = "the peer closed the TLS session"
        case SSL_ERROR_SYSCALL where systemError == ECONNRESET || systemError == EPIPE:
            self.kind = .reset
            self.cause = "connection reset by peer"
        case SSL_ERROR_SYSCALL where systemError == 0:
            self.kind = .endOfStream
            self.cause = "the peer closed the connection"
        case SSL_ERROR_SYSCALL:
            self.kind = .other
            self.cause = Socket.errorText(systemError)
        default:
            if queue.contains("unexpected eof") {
                self.kind = .endOfStream
                self.cause = "the peer closed the connection without ending the TLS session"
            } else if queue.contains("alert") {
                self.kind = .alert
                self.cause = queue + verification
            } else {
                self.kind = .other
                self.cause = queue + verification
            }
        }
    }

    /// The error for a failed read or write.
    func error(during operation: String, peer: String) -> TLSError {
        switch self.kind {
        case .endOfStream:
            return .closedByPeer(operation: operation, peer: peer)
        case .reset:
            return .connectionReset(operation: operation, peer: peer)
        case .alert:
            return .alertReceived(operation: operation, peer: peer, alert: self.cause)
        case .other:
            return .transportFailed(operation: operation, peer: peer, cause: self.cause)
        }
    }
}
