import Foundation

/// Structured log lines on standard error: `level message key=value ...`.
///
/// Metadata keys use one style (`snake_case`); values with spaces are quoted. Only the shells
/// (the command line, the coordinator and worker loops) log; libraries return values and events.
public struct Log: Sendable {
    public enum Level: String, Sendable, Comparable {
        case debug, info, warning, error

        private var rank: Int {
            switch self {
            case .debug: return 0
            case .info: return 1
            case .warning: return 2
            case .error: return 3
            }
        }

        public static func < (left: Level, right: Level) -> Bool { left.rank < right.rank }
    }

    /// Lines below this level are dropped.
    public var minimumLevel: Level
    /// Metadata added to every line, e.g. `rank`.
    public var metadata: [(String, String)]
    private let sink: @Sendable (String) -> Void

    public init(
        minimumLevel: Level = .info,
        metadata: [(String, String)] = [],
        sink: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.minimumLevel = minimumLevel
        self.metadata = metadata
        self.sink = sink
    }

    /// Writes one line if `level` is at or above the minimum.
    public func callAsFunction(_ level: Level, _ message: String, _ metadata: [(String, String)] = []) {
        guard level >= self.minimumLevel else { return }
        let fields = (self.metadata + metadata).map { key, value in
            value.contains(" ") || value.isEmpty ? "\(key)=\"\(value)\"" : "\(key)=\(value)"
        }
        self.sink(([level.rawValue, message] + fields).joined(separator: " ") + "\n")
    }
}
