import Foundation

/// Reading and writing the small PEM files certificates and keys are kept in.
enum PEMFile {
    /// The bytes of the file at `path`.
    ///
    /// - Throws: a description of the cause: the file is missing, unreadable or empty.
    static func read(_ path: String) throws(PEMFileFailure) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PEMFileFailure(cause: "the file does not exist")
        }

        guard let data = FileManager.default.contents(atPath: path) else {
            throw PEMFileFailure(cause: "the file is not readable by this user")
        }

        guard !data.isEmpty else {
            throw PEMFileFailure(cause: "the file is empty")
        }
        return Array(data)
    }

    /// Replaces the file at `path` with `text`, atomically, with the given permissions.
    ///
    /// The text goes to a temporary file created with `permissions` in the same folder, which is then renamed
    /// over `path`, so a reader never sees a half-written key and a key is never briefly world-readable.
    static func write(_ text: String, to path: String, permissions: mode_t) throws(PEMFileFailure) {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard descriptor >= 0 else {
            throw PEMFileFailure(cause: String(cString: strerror(errno)))
        }

        let bytes = Array(text.utf8)
        var written = 0
        var failure: Int32 = 0
        if fchmod(descriptor, permissions) != 0 {
            failure = errno
        }
        while failure == 0 && written < bytes.count {
            let result = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written)
            }
            if result < 0 && errno != EINTR {
                failure = errno
            } else if result > 0 {
                written += result
            }
        }
        if failure == 0 && fsync(descriptor) != 0 {
            failure = errno
        }
        close(descriptor)

        if failure == 0 && rename(temporary, path) != 0 {
            failure = errno
        }
        guard failure == 0 else {
            unlink(temporary)
            throw PEMFileFailure(cause: String(cString: strerror(failure)))
        }
    }
}

/// Why a PEM file could not be read or written; the caller adds the path and its own domain.
struct PEMFileFailure: Error {
    /// The cause in words.
    let cause: String
}
