import COpenSSL
import Foundation

/// SHA-256 through OpenSSL's one-shot `SHA256` function.
enum SHA256Digest {
    /// The 64 lowercase hexadecimal digits of the SHA-256 digest of `data`.
    static func hex(of data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))

        data.withUnsafeBytes { bytes in
            let base = bytes.bindMemory(to: UInt8.self).baseAddress
            _ = SHA256(base, bytes.count, &digest)
        }

        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
