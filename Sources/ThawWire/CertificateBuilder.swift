import COpenSSL
import Foundation

/// Assembles and signs one X.509 v3 certificate.
enum CertificateBuilder {
    /// Seconds the written validity starts before the requested one.
    private static let earlierStart = time_t(CertificateAuthority.clockSkewAllowance.components.seconds)

    /// A certificate for `publicKey` named `commonName`, signed by `signingKey`.
    ///
    /// - Parameters:
    ///   - validity: how long the certificate is valid, from `notBefore`; the validity written starts
    ///     `CertificateAuthority.clockSkewAllowance` before `notBefore`, for clocks that lag this one.
    ///   - issuer: the issuing certificate, or `nil` for a self-signed one.
    ///   - extensions: pairs of extension NID and OpenSSL configuration value, added in order (a subject key
    ///     identifier must come before an authority key identifier that refers to it).
    static func build(
        commonName: String,
        publicKey: PrivateKey,
        validity: Duration,
        notBefore: Date,
        issuer: X509Certificate?,
        extensions: [(nid: Int32, value: String)],
        signingKey: PrivateKey
    ) throws(CertificateError) -> X509Certificate {
        guard validity > .zero else {
            throw .invalidValidity(validity)
        }
        OpenSSLErrorQueue.clear()

        guard let pointer = X509_new() else {
            throw .openSSL(operation: "allocating a certificate", detail: OpenSSLErrorQueue.drain())
        }
        let certificate = X509Certificate(owning: pointer)
        let operation = "building the certificate for \(commonName)"

        let start = time_t(notBefore.timeIntervalSince1970)
        let end = start + time_t(validity.components.seconds)
        guard X509_set_version(pointer, 2) == 1, Self.setRandomSerial(pointer),
            ASN1_TIME_set(X509_getm_notBefore(pointer), start - Self.earlierStart) != nil,
            ASN1_TIME_set(X509_getm_notAfter(pointer), end) != nil,
            X509_set_pubkey(pointer, publicKey.pointer) == 1
        else {
            throw .openSSL(operation: operation, detail: OpenSSLErrorQueue.drain())
        }

        let subject = X509_get_subject_name(pointer)
        let nameBytes = Array(commonName.utf8)
        guard X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, nameBytes, Int32(nameBytes.count), -1, 0) == 1,
            X509_set_issuer_name(pointer, X509_get_subject_name(issuer?.pointer ?? pointer)) == 1
        else {
            throw .openSSL(operation: "\(operation): setting names", detail: OpenSSLErrorQueue.drain())
        }

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? pointer, pointer, nil, nil, 0)
        for (nid, value) in extensions {
            guard let fragment = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw .openSSL(operation: "\(operation): extension \(value)", detail: OpenSSLErrorQueue.drain())
            }
            defer { X509_EXTENSION_free(fragment) }
            guard X509_add_ext(pointer, fragment, -1) == 1 else {
                throw .openSSL(operation: "\(operation): extension \(value)", detail: OpenSSLErrorQueue.drain())
            }
        }

        guard X509_sign(pointer, signingKey.pointer, EVP_sha256()) > 0 else {
            throw .openSSL(operation: "\(operation): signing", detail: OpenSSLErrorQueue.drain())
        }
        return certificate
    }

    /// Gives the certificate a positive serial number of 127 random bits.
    private static func setRandomSerial(_ certificate: OpaquePointer) -> Bool {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else {
            return false
        }
        bytes[0] = (bytes[0] & 0x7F) | 0x40

        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            return false
        }
        defer { BN_free(number) }
        return BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil
    }
}
