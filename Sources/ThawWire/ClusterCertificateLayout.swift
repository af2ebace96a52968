import Foundation

/// Where a cluster's certificates and keys live in a folder.
///
/// ```
/// ca.pem            the cluster CA certificate (every host needs it)
/// ca.key            the CA private key (only where certificates are issued; keep it off the workers)
/// coordinator.pem   the coordinator's certificate, subject CN thaw-coordinator
/// coordinator.key   its private key
/// worker-1.pem      worker 1's certificate, subject CN thaw-worker-1
/// worker-1.key      its private key
/// ...
/// ```
///
/// Certificates are PEM-encoded X.509; keys are unencrypted PKCS #8 PEM written with mode 0600.
public struct ClusterCertificateLayout: Sendable, Equatable {
    /// The folder holding the files.
    public let folder: URL

    /// The layout of `folder`.
    public init(folder: URL) {
        self.folder = folder
    }

    /// `ca.pem`: the cluster CA certificate.
    public var caCertificate: URL {
        self.folder.appendingPathComponent("ca.pem")
    }

    /// `ca.key`: the cluster CA private key.
    public var caKey: URL {
        self.folder.appendingPathComponent("ca.key")
    }

    /// The certificate of `identity`, such as `worker-1.pem`.
    public func certificate(for identity: PeerIdentity) -> URL {
        self.folder.appendingPathComponent("\(identity.fileStem).pem")
    }

    /// The private key of `identity`, such as `worker-1.key`.
    public func key(for identity: PeerIdentity) -> URL {
        self.folder.appendingPathComponent("\(identity.fileStem).key")
    }
}
