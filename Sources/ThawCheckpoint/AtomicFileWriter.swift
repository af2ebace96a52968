import Foundation
import Glibc

/// Replaces a file so that readers, and a machine that loses power, see either the old contents
/// or the complete new ones, never a mixture.
///
/// The new contents go to a temporary file in the destination's folder (the same file system,
/// so `rename` is atomic). The temporary is flushed with `fsync`, renamed over the destination,
/// and then the folder is flushed so the rename itself is durable. On any failure the
/// temporary is removed and the destination is left untouched.
struct AtomicFileWriter {
    /// The open temporary file that `write(to:operation:contents:)` hands to its body.
    struct Sink {
        fileprivate let descriptor: Int32
        fileprivate let path: String
        fileprivate let operation: String

        /// Appends `bytes`, retrying short writes and interrupted calls.
        func write(_ bytes: UnsafeRawBufferPointer) throws {
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(self.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw CheckpointError.fileSystem(
                        operation: "\(self.operation): write", path: self.path, reason: AtomicFileWriter.errnoText())
                }
                offset += written
            }
        }

        /// Appends the bytes of an array.
        func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try self.write($0) }
        }
    }

    /// Writes a new version of `url` by calling `contents` with a sink for the temporary file.
    ///
    /// - Parameter operation: names the caller in error messages, e.g. `"Safetensors.write"`.
    /// - Throws: `CheckpointError.fileSystem` naming the failed step; whatever `contents` throws.
    static func write(to url: URL, operation: String, contents: (Sink) throws -> Void) throws {
        let destination = url.path
        let folder = url.deletingLastPathComponent().path
        let temporaryPath =
            folder + "/." + url.lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"

        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CheckpointError.fileSystem(
                operation: "\(operation): create temporary file", path: temporaryPath, reason: Self.errnoText())
        }

        var isOpen = true
        var isRenamed = false
        defer {
            if isOpen { close(descriptor) }
            if !isRenamed { unlink(temporaryPath) }
        }

        try contents(Sink(descriptor: descriptor, path: temporaryPath, operation: operation))

        guard fsync(descriptor) == 0 else {
            throw CheckpointError.fileSystem(
                operation: "\(operation): fsync", path: temporaryPath, reason: Self.errnoText())
        }

        isOpen = false
        guard close(descriptor) == 0 else {
            throw CheckpointError.fileSystem(
                operation: "\(operation): close", path: temporaryPath, reason: Self.errnoText())
        }

        guard rename(temporaryPath, destination) == 0 else {
            throw CheckpointError.fileSystem(
                operation: "\(operation): rename temporary file over destination", path: destination,
                reason: Self.errnoText())
        }
        isRenamed = true

        try Self.synchronizeFolder(folder, operation: operation)
    }

    /// Flushes a folder's entries so a completed rename survives a crash.
    private static func synchronizeFolder(_ folder: String, operation: String) throws {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CheckpointError.fileSystem(
                operation: "\(operation): open folder", path: folder, reason: Self.errnoText())
        }
        defer { close(descriptor) }

        guard fsync(descriptor) == 0 else {
            throw CheckpointError.fileSystem(
                operation: "\(operation): fsync folder", path: folder, reason: Self.errnoText())
        }
    }

    fileprivate static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
