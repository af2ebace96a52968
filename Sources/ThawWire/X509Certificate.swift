import COpenSSL
import Foundation

/// An owned OpenSSL `X509*`, freed with the object.
final class X509Certificate: @unchecked Sendable {
    /// The certificate; owned.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(self.pointer)
    }

    /// Parses the first PEM certificate in `pem`, or returns `nil` with OpenSSL's errors queued.
    static func parse(pem: [UInt8]) -> X509Certificate? {
        let bio = pem.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
        guard let bio else {
            return nil
        }
        defer { BIO_free(bio) }

        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
            return nil
        }
        return X509Certificate(owning: certificate)
    }

    /// The subject common name, or `nil` if there is none.
    var commonName: String? {
        guard let name = X509_get_subject_name(self.pointer) else {
            return nil
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let length = X509_NAME_get_text_by_NID(name, NID_commonName, &buffer, Int32(buffer.count))
        guard length >= 0 else {
            return nil
        }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The start of the validity period.
    var notBefore: Date? {
        Self.date(X509_get0_notBefore(self.pointer))
    }

    /// The end of the validity period.
    var notAfter: Date? {
        Self.date(X509_get0_notAfter(self.pointer))
    }

    /// The certificate in PEM form.
    func pem() -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else {
            return nil
        }
        defer { BIO_free(bio) }

        guard PEM_write_bio_X509(bio, self.pointer) == 1 else {
            return nil
        }
        return Self.text(of: bio)
    }

    /// Whether `key` is the private key for this certificate's public key.
    func matches(_ key: PrivateKey) -> Bool {
        X509_check_private_key(self.pointer, key.pointer) == 1
    }

    /// Everything written to a memory BIO, as text.
    static func text(of bio: OpaquePointer) -> String {
        let count = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: count)
        let read = BIO_read(bio, &bytes, Int32(count))
        return String(decoding: bytes.prefix(Int(max(read, 0))), as: UTF8.self)
    }

    /// An ASN.1 time as a date.
    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else {
            return nil
        }
        var fields = tm()
        guard ASN1_TIME_to_tm(time, &fields) == 1 else {
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&fields)))
    }
}
