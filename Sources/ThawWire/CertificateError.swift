/// A failure creating, issuing, reading or writing cluster certificates.
public enum CertificateError: Error, Equatable, Sendable {
    /// OpenSSL could not perform a step; `detail` is its error queue.
    case openSSL(operation: String, detail: String)

    /// A host given for a certificate's subject alternative names is unusable.
    case invalidHost(String, reason: String)

    /// A worker id is outside `0...PeerIdentity.maximumWorkerID`.
    case invalidIdentity(PeerIdentity)

    /// A validity period is not positive.
    case invalidValidity(Duration)

    /// A file could not be read or parsed.
    case unreadableFile(path: String, cause: String)

    /// A file could not be written.
    case unwritableFile(path: String, cause: String)
}

extension CertificateError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .openSSL(let operation, let detail):
            return "Certificates: \(operation) failed in OpenSSL: \(detail)."
        case .invalidHost(let host, let reason):
            return "Certificates: host \"\(host)\" cannot go in a certificate: \(reason)."
        case .invalidIdentity(let identity):
            return "Certificates: \(identity) is not a valid identity; "
                + "worker ids run from 0 to \(PeerIdentity.maximumWorkerID)."
        case .invalidValidity(let validity):
            return "Certificates: validity \(validity) must be positive."
        case .unreadableFile(let path, let cause):
            return "Certificates: cannot read \(path): \(cause). Create the cluster's certificates with `thaw certs`."
        case .unwritableFile(let path, let cause):
            return "Certificates: cannot write \(path): \(cause). Check that the folder exists and is writable."
        }
    }
}
