import COpenSSL

/// An owned OpenSSL `EVP_PKEY*` holding a private key, freed with the object.
final class PrivateKey: @unchecked Sendable {
    /// The key; owned.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }

    /// A fresh EC key on the NIST P-256 curve.
    static func generateP256() throws(CertificateError) -> PrivateKey {
        OpenSSLErrorQueue.clear()

        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .openSSL(operation: "creating an EC key context", detail: OpenSSLErrorQueue.drain())
        }
        defer { EVP_PKEY_CTX_free(context) }

        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_keygen(context, &key) == 1, let key
        else {
            throw .openSSL(operation: "generating a P-256 key", detail: OpenSSLErrorQueue.drain())
        }
        return PrivateKey(owning: key)
    }

    /// Parses the first PEM private key in `pem`, or returns `nil` with OpenSSL's errors queued.
    static func parse(pem: [UInt8]) -> PrivateKey? {
        let bio = pem.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
        guard let bio else {
            return nil
        }
        defer { BIO_free(bio) }

        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            return nil
        }
        return PrivateKey(owning: key)
    }

    /// The key as unencrypted PKCS #8 PEM.
    func pem() -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else {
            return nil
        }
        defer { BIO_free(bio) }

        guard PEM_write_bio_PrivateKey(bio, self.pointer, nil, nil, 0, nil, nil) == 1 else {
            return nil
        }
        return X509Certificate.text(of: bio)
    }
}
