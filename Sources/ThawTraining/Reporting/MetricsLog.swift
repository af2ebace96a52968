import Foundation
import Synchronization

/// Appends metrics records to a JSON Lines file (one JSON object per line) and reads them back.
///
/// Step records are buffered; any other record writes the buffer and itself to the file, so a crash
/// loses at most the steps of the current epoch. Appending keeps earlier lines, so a resumed run
/// continues its log. Non-finite numbers (a diverged loss) are written as the strings `"nan"`, `"+inf"`
/// and `"-inf"`. Safe to use from several threads.
public final class MetricsLog: Sendable {
    /// The log file.
    public let url: URL

    private struct State {
        var handle: FileHandle?
        var pending = Data()
    }

    private let state: Mutex<State>

    /// Buffered step records are written once they exceed this many bytes, even mid-epoch.
    private static let pendingLimit = 1 << 16

    /// Opens `url` for appending, creating it and its folder if needed.
    ///
    /// - Throws: ``MetricsLogError/cannotOpen(file:reason:)``.
    public init(appendingTo url: URL) throws(MetricsLogError) {
        self.url = url

        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(file: url.path, reason: "its folder cannot be created (\(error.localizedDescription))")
        }
        if !manager.fileExists(atPath: url.path) && !manager.createFile(atPath: url.path, contents: nil) {
            throw .cannotOpen(file: url.path, reason: "the file cannot be created")
        }

        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw .cannotOpen(file: url.path, reason: error.localizedDescription)
        }
        self.state = Mutex(State(handle: handle))
    }

    deinit {
        self.state.withLock { state in
            if let handle = state.handle {
                try? handle.write(contentsOf: state.pending)
                try? handle.close()
            }
        }
    }

    /// Adds a record: buffered if it is a step, written together with the buffer otherwise.
    ///
    /// - Throws: ``MetricsLogError/writeFailed(file:reason:)``, also after ``close()``.
    public func append(_ record: MetricsRecord) throws(MetricsLogError) {
        let line = Self.encode(record)

        try self.state.withLock { (state: inout State) throws(MetricsLogError) in
            state.pending.append(line)
            if record.event != .step || state.pending.count > Self.pendingLimit {
                try self.write(&state)
            }
        }
    }

    /// Writes buffered step records to the file.
    ///
    /// - Throws: ``MetricsLogError/writeFailed(file:reason:)``.
    public func flush() throws(MetricsLogError) {
        try self.state.withLock { (state: inout State) throws(MetricsLogError) in
            try self.write(&state)
        }
    }

    /// Writes buffered records and closes the file; later appends fail.
    ///
    /// - Throws: ``MetricsLogError/writeFailed(file:reason:)``.
    public func close() throws(MetricsLogError) {
        try self.state.withLock { (state: inout State) throws(MetricsLogError) in
            try self.write(&state)
            do {
                try state.handle?.close()
            } catch {
                throw .writeFailed(file: self.url.path, reason: error.localizedDescription)
            }
            state.handle = nil
        }
    }

    /// Every record in a log file, in order; blank lines are skipped.
    ///
    /// - Throws: ``MetricsLogError/unreadable(file:reason:)`` or
    ///   ``MetricsLogError/malformedLine(file:line:reason:)`` naming the first bad line.
    public static func read(from url: URL) throws(MetricsLogError) -> [MetricsRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw .unreadable(file: url.path, reason: exists ? error.localizedDescription : "no such file")
        }

        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )

        var records: [MetricsRecord] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
            do {
                records.append(try decoder.decode(MetricsRecord.self, from: Data(line)))
            } catch {
                throw .malformedLine(file: url.path, line: index + 1, reason: Self.describe(error))
            }
        }
        return records
    }

    private func write(_ state: inout State) throws(MetricsLogError) {
        guard let handle = state.handle else {
            throw .writeFailed(file: self.url.path, reason: "the log was closed")
        }
        guard !state.pending.isEmpty else { return }

        do {
            try handle.write(contentsOf: state.pending)
        } catch {
            throw .writeFailed(file: self.url.path, reason: error.localizedDescription)
        }
        state.pending.removeAll(keepingCapacity: true)
    }

    /// The record as one line of JSON with sorted keys, newline included.
    private static func encode(_ record: MetricsRecord) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )

        do {
            return try encoder.encode(record) + Data("\n".utf8)
        } catch {
            preconditionFailure("encoding a metrics record of plain values failed: \(error)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return "it has no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has an invalid value"
        default:
            return "it is not a complete JSON object"
        }
    }
}
