import Foundation

extension RunConfiguration {
    /// The SHA-256 digest, in 64 lowercase hexadecimal digits, of the configuration's canonical JSON (keys
    /// sorted, no spaces, defaults written out).
    ///
    /// Two processes with equal fingerprints run the same configuration. Paths are hashed as stored, so
    /// hash the configuration the coordinator resolved and sent rather than each host's own resolution.
    public var fingerprint: String {
        SHA256Digest.hex(of: self.canonicalJSON)
    }

    /// The canonical JSON encoding: sorted keys, no whitespace, and non-finite numbers as strings so that
    /// encoding cannot fail.
    public var canonicalJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )

        do {
            return try encoder.encode(self)
        } catch {
            preconditionFailure("encoding plain values with non-finite numbers as strings failed: \(error)")
        }
    }
}
