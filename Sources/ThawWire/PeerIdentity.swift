/// Who a certificate says its holder is, read from the subject common name.
///
/// The coordinator's certificate has the common name `thaw-coordinator`; worker `n`'s has `thaw-worker-n`,
/// with `n` written in decimal without leading zeros. Any other common name is not a cluster identity.
public enum PeerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The one coordinator of a cluster.
    case coordinator

    /// The worker with the given id, in `0...PeerIdentity.maximumWorkerID`.
    case worker(Int)

    /// The largest worker id a certificate may carry.
    public static let maximumWorkerID = 65_535

    /// The identity a certificate common name stands for, or `nil` if it names none.
    public init?(commonName: String) {
        if commonName == "thaw-coordinator" {
            self = .coordinator
            return
        }

        let prefix = "thaw-worker-"
        guard commonName.hasPrefix(prefix) else {
            return nil
        }
        let digits = commonName.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits == "0" || digits.first != "0", let id = Int(digits), id <= Self.maximumWorkerID
        else {
            return nil
        }
        self = .worker(id)
    }

    /// The certificate subject common name for this identity, such as `thaw-worker-2`.
    public var commonName: String {
        "thaw-\(self.fileStem)"
    }

    /// The stem of this identity's certificate and key file names, such as `worker-2` (see
    /// `ClusterCertificateLayout`).
    public var fileStem: String {
        switch self {
        case .coordinator:
            return "coordinator"
        case .worker(let id):
            return "worker-\(id)"
        }
    }

    /// Whether a worker id is in the range a certificate may carry.
    var isValid: Bool {
        switch self {
        case .coordinator:
            return true
        case .worker(let id):
            return (0...Self.maximumWorkerID).contains(id)
        }
    }

    public var description: String {
        self.commonName
    }
}
