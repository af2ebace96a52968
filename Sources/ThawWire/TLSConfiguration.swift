import COpenSSL
import Foundation

/// Where a process finds its TLS material, and which peers it accepts.
///
/// `makeContext()` checks everything a connection would later trip over and fails at start with a message
/// that says what to fix: a missing or unreadable file, a key that does not belong to the certificate, a
/// certificate the CA did not sign, an expired or not yet valid certificate, a common name that is not a
/// cluster identity.
public struct TLSConfiguration: Sendable, Equatable {
    /// The cluster CA certificate (PEM) every peer's chain must verify against.
    public var caCertificatePath: String

    /// This process's certificate (PEM), issued by the cluster CA.
    public var certificatePath: String

    /// This process's private key (PEM), the one the certificate was issued for.
    public var privateKeyPath: String

    /// The identities accepted from the other end, unless a connection overrides it.
    public var peerRule: PeerIdentityRule

    /// The frame limits for connections made with this configuration.
    public var frameLimits: FrameLimits

    /// A configuration from explicit paths.
    public init(
        caCertificatePath: String,
        certificatePath: String,
        privateKeyPath: String,
        peerRule: PeerIdentityRule,
        frameLimits: FrameLimits = .standard
    ) {
        self.caCertificatePath = caCertificatePath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.peerRule = peerRule
        self.frameLimits = frameLimits
    }

    /// A configuration for `identity` using the files of a `ClusterCertificateLayout`.
    public init(
        layout: ClusterCertificateLayout,
        identity: PeerIdentity,
        peerRule: PeerIdentityRule,
        frameLimits: FrameLimits = .standard
    ) {
        self.init(
            caCertificatePath: layout.caCertificate.path,
            certificatePath: layout.certificate(for: identity).path,
            privateKeyPath: layout.key(for: identity).path,
            peerRule: peerRule,
            frameLimits: frameLimits
        )
    }

    /// Checks the configuration and loads it into an OpenSSL context for TLS 1.3 with mutual authentication.
    ///
    /// - Throws: a configuration case of `TLSError` saying what to fix.
    public func makeContext() throws(TLSError) -> TLSContext {
        try TLSContext(configuration: self)
    }

    /// Checks the files and returns the identity this process's certificate names.
    func validate(at now: Date = Date()) throws(TLSError) -> PeerIdentity {
        let authority = try Self.loadCertificate(role: "CA certificate", path: self.caCertificatePath)

        let certificate = try Self.loadCertificate(role: "certificate", path: self.certificatePath)

        let key = try Self.loadKey(path: self.privateKeyPath)

        guard certificate.matches(key) else {
            throw .keyDoesNotMatchCertificate(keyPath: self.privateKeyPath, certificatePath: self.certificatePath)
        }

        for (path, loaded) in [(self.caCertificatePath, authority), (self.certificatePath, certificate)] {
            if let notAfter = loaded.notAfter, notAfter < now {
                throw .certificateExpired(path: path, notAfter: notAfter)
            }
            if let notBefore = loaded.notBefore, notBefore > now {
                throw .certificateNotYetValid(path: path, notBefore: notBefore)
            }
        }

        try self.verify(certificate, against: authority)

        let commonName = certificate.commonName ?? ""
        guard let identity = PeerIdentity(commonName: commonName) else {
            throw .notAClusterIdentity(path: self.certificatePath, commonName: commonName)
        }
        return identity
    }

    /// Checks that `certificate` chains to `authority`, with the purposes a TLS client and server need.
    private func verify(_ certificate: X509Certificate, against authority: X509Certificate) throws(TLSError) {
        OpenSSLErrorQueue.clear()

        guard let store = X509_STORE_new(), let context = X509_STORE_CTX_new() else {
            throw .setupFailed(operation: "allocating a certificate store", detail: OpenSSLErrorQueue.drain())
        }
        defer {
            X509_STORE_CTX_free(context)
            X509_STORE_free(store)
        }

        guard X509_STORE_add_cert(store, authority.pointer) == 1,
            X509_STORE_CTX_init(context, store, certificate.pointer, nil) == 1
        else {
            throw .setupFailed(operation: "preparing certificate verification", detail: OpenSSLErrorQueue.drain())
        }

        guard X509_verify_cert(context) == 1 else {
            let cause = String(cString: X509_verify_cert_error_string(Int(X509_STORE_CTX_get_error(context))))
            throw .certificateNotSignedByCA(
                certificatePath: self.certificatePath,
                caPath: self.caCertificatePath,
                cause: cause
            )
        }
    }

    /// The certificate at `path`.
    private static func loadCertificate(role: String, path: String) throws(TLSError) -> X509Certificate {
        let pem = try Self.readFile(role: role, path: path)

        OpenSSLErrorQueue.clear()
        guard let certificate = X509Certificate.parse(pem: pem) else {
            let detail = OpenSSLErrorQueue.drain()
            throw .unreadableFile(role: role, path: path, cause: "it is not a PEM certificate (\(detail))")
        }
        return certificate
    }

    /// The private key at `path`.
    private static func loadKey(path: String) throws(TLSError) -> PrivateKey {
        let pem = try Self.readFile(role: "private key", path: path)

        OpenSSLErrorQueue.clear()
        guard let key = PrivateKey.parse(pem: pem) else {
            let detail = OpenSSLErrorQueue.drain()
            throw .unreadableFile(
                role: "private key", path: path, cause: "it is not an unencrypted PEM key (\(detail))")
        }
        return key
    }

    /// The bytes of a configured file.
    private static func readFile(role: String, path: String) throws(TLSError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .missingFile(role: role, path: path)
        }

        do throws(PEMFileFailure) {
            return try PEMFile.read(path)
        } catch {
            throw .unreadableFile(role: role, path: path, cause: error.cause)
        }
    }
}
