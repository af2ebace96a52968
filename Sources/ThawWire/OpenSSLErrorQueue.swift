import COpenSSL

/// The calling thread's OpenSSL error queue, turned into text.
enum OpenSSLErrorQueue {
    /// Removes every queued error and returns their reasons (such as "tlsv13 alert certificate required")
    /// joined by "; ", or `fallback` if the queue was empty.
    static func drain(fallback: String = "no detail from OpenSSL") -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 {
                break
            }
            if let reason = ERR_reason_error_string(code) {
                messages.append(String(cString: reason))
                continue
            }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? fallback : messages.joined(separator: "; ")
    }

    /// Empties the queue, so that the next failure's message holds only its own errors.
    static func clear() {
        ERR_clear_error()
    }
}
