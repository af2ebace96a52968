import Foundation

/// A certificate issued by a `CertificateAuthority`, with its private key, both PEM-encoded.
public struct IssuedCertificate: Sendable, Equatable {
    /// The identity the certificate names.
    public let identity: PeerIdentity

    /// The X.509 certificate in PEM form.
    public let certificatePEM: String

    /// The unencrypted PKCS #8 private key in PEM form.
    public let privateKeyPEM: String

    /// Writes `<identity>.pem` (mode 0644) and `<identity>.key` (mode 0600) into `layout`'s folder, such as
    /// `worker-1.pem` and `worker-1.key`, replacing any there.
    ///
    /// - Throws: `CertificateError.unwritableFile` naming the file and the system's reason.
    public func write(to layout: ClusterCertificateLayout) throws(CertificateError) {
        try Self.write(self.certificatePEM, to: layout.certificate(for: self.identity).path, permissions: 0o644)

        try Self.write(self.privateKeyPEM, to: layout.key(for: self.identity).path, permissions: 0o600)
    }

    /// Writes one PEM file atomically with `permissions`.
    static func write(_ text: String, to path: String, permissions: mode_t) throws(CertificateError) {
        do throws(PEMFileFailure) {
            try PEMFile.write(text, to: path, permissions: permissions)
        } catch {
            throw .unwritableFile(path: path, cause: error.cause)
        }
    }
}
