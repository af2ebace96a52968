import COpenSSL
import Foundation

/// A cluster certificate authority: it signs the certificates that tie each host's key to its identity.
///
/// Keys are EC P-256, signatures ECDSA with SHA-256, serial numbers 127 random bits. The CA certificate is
/// self-signed with `CA:TRUE` (path length 0) and may only sign certificates. Each issued certificate
/// carries its identity as the subject common name (see `PeerIdentity`), its hosts as DNS or IP subject
/// alternative names, and key usages for both ends of a TLS connection, since workers both accept and
/// open ring links.
///
/// ```swift
/// let layout = ClusterCertificateLayout(folder: folder)
/// let authority = try CertificateAuthority.create(validity: .seconds(365 * 86_400))
/// try authority.write(to: layout)
/// try authority.issue(identity: .coordinator, hosts: ["10.0.0.1"], validity: .seconds(90 * 86_400))
///     .write(to: layout)
/// ```
public final class CertificateAuthority: @unchecked Sendable {
    /// The CA's self-signed certificate.
    let certificate: X509Certificate

    /// The CA's private key.
    let key: PrivateKey

    private init(certificate: X509Certificate, key: PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// How long before `notBefore` a certificate is already accepted. A host whose clock lags the one
    /// that made the certificates by up to this much still accepts them, and so does this host: OpenSSL
    /// checks against `time()`, which reads the kernel's coarse clock and can lag `Date()` by a few
    /// milliseconds, enough to call a certificate made this very second not yet valid.
    public static let clockSkewAllowance: Duration = .seconds(3_600)

    /// Creates a new CA with a fresh key.
    ///
    /// - Parameters:
    ///   - commonName: the CA certificate's subject common name.
    ///   - validity: how long the CA certificate is valid, from `notBefore`.
    ///   - notBefore: the start of the validity period, now by default; the certificate is accepted from
    ///     `clockSkewAllowance` before it.
    /// - Throws: `CertificateError.invalidValidity` for a non-positive validity, `.openSSL` if a step fails.
    public static func create(
        commonName: String = "Thaw cluster CA",
        validity: Duration,
        notBefore: Date = Date()
    ) throws(CertificateError) -> CertificateAuthority {
        let key = try PrivateKey.generateP256()

        let certificate = try CertificateBuilder.build(
            commonName: commonName,
            publicKey: key,
            validity: validity,
            notBefore: notBefore,
            issuer: nil,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ],
            signingKey: key
        )

        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// Loads the CA certificate and key from `ca.pem` and `ca.key` in `layout`.
    ///
    /// - Throws: `CertificateError.unreadableFile` naming the file that is missing or not PEM, or
    ///   `.openSSL` if the key does not belong to the certificate.
    public static func load(from layout: ClusterCertificateLayout) throws(CertificateError) -> CertificateAuthority {
        let certificatePath = layout.caCertificate.path
        let keyPath = layout.caKey.path

        let certificate: X509Certificate
        do throws(PEMFileFailure) {
            guard let parsed = X509Certificate.parse(pem: try PEMFile.read(certificatePath)) else {
                throw PEMFileFailure(cause: "not a PEM certificate: \(OpenSSLErrorQueue.drain())")
            }
            certificate = parsed
        } catch {
            throw .unreadableFile(path: certificatePath, cause: error.cause)
        }

        let key: PrivateKey
        do throws(PEMFileFailure) {
            guard let parsed = PrivateKey.parse(pem: try PEMFile.read(keyPath)) else {
                throw PEMFileFailure(cause: "not a PEM private key: \(OpenSSLErrorQueue.drain())")
            }
            key = parsed
        } catch {
            throw .unreadableFile(path: keyPath, cause: error.cause)
        }

        guard certificate.matches(key) else {
            throw .openSSL(
                operation: "loading the CA from \(layout.folder.path)",
                detail: "\(keyPath) is not the key of \(certificatePath)"
            )
        }
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// The CA certificate in PEM form.
    public var certificatePEM: String {
        self.certificate.pem() ?? ""
    }

    /// The CA certificate's subject common name.
    public var commonName: String {
        self.certificate.commonName ?? ""
    }

    /// Writes `ca.pem` (mode 0644) and `ca.key` (mode 0600) into `layout`'s folder, replacing any there.
    ///
    /// - Throws: `CertificateError.unwritableFile` naming the file and the system's reason.
    public func write(to layout: ClusterCertificateLayout) throws(CertificateError) {
        guard let certificatePEM = self.certificate.pem(), let keyPEM = self.key.pem() else {
            throw .openSSL(operation: "encoding the CA as PEM", detail: OpenSSLErrorQueue.drain())
        }

        try IssuedCertificate.write(certificatePEM, to: layout.caCertificate.path, permissions: 0o644)

        try IssuedCertificate.write(keyPEM, to: layout.caKey.path, permissions: 0o600)
    }

    /// Issues a certificate and fresh key for `identity`, valid for `hosts`.
    ///
    /// - Parameters:
    ///   - identity: the coordinator or a worker; becomes the subject common name.
    ///   - hosts: the host names and IP addresses peers will dial this host by; at least one. IPv4 and IPv6
    ///     literals become IP subject alternative names, anything else a DNS name.
    ///   - validity: how long the certificate is valid, from `notBefore`.
    ///   - notBefore: the start of the validity period, now by default; the certificate is accepted from
    ///     `clockSkewAllowance` before it.
    /// - Throws: `CertificateError.invalidHost`, `.invalidIdentity`, `.invalidValidity`, or `.openSSL`.
    public func issue(
        identity: PeerIdentity,
        hosts: [String],
        validity: Duration,
        notBefore: Date = Date()
    ) throws(CertificateError) -> IssuedCertificate {
        guard identity.isValid else {
            throw .invalidIdentity(identity)
        }

        let alternativeNames = try Self.subjectAlternativeNames(for: hosts)

        let key = try PrivateKey.generateP256()

        let certificate = try CertificateBuilder.build(
            commonName: identity.commonName,
            publicKey: key,
            validity: validity,
            notBefore: notBefore,
            issuer: self.certificate,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature,keyAgreement"),
                (NID_ext_key_usage, "serverAuth,clientAuth"),
                (NID_subject_alt_name, alternativeNames),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ],
            signingKey: self.key
        )

        guard let certificatePEM = certificate.pem(), let keyPEM = key.pem() else {
            throw .openSSL(
                operation: "encoding the certificate of \(identity) as PEM", detail: OpenSSLErrorQueue.drain())
        }
        return IssuedCertificate(identity: identity, certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
    }

    /// The subjectAltName extension value for `hosts`, such as `DNS:node1,IP:10.0.0.1`.
    private static func subjectAlternativeNames(for hosts: [String]) throws(CertificateError) -> String {
        guard !hosts.isEmpty else {
            throw .invalidHost("", reason: "give at least one host name or IP address peers will dial")
        }

        var names: [String] = []
        for host in hosts {
            if Self.isIPAddress(host) {
                names.append("IP:\(host)")
                continue
            }

            let allowed = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
            guard !host.isEmpty, host.count <= 253, allowed else {
                throw .invalidHost(host, reason: "a host name may hold only ASCII letters, digits, '-' and '.'")
            }
            names.append("DNS:\(host)")
        }
        return names.joined(separator: ",")
    }

    /// Whether `host` is an IPv4 or IPv6 literal.
    private static func isIPAddress(_ host: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, host, &address) == 1 || inet_pton(AF_INET6, host, &address) == 1
    }
}
