/// Why the metrics log could not be written or read. Messages name the file.
public enum MetricsLogError: Error, CustomStringConvertible, Equatable {
    /// The log file or its folder could not be created or opened for appending.
    case cannotOpen(file: String, reason: String)

    /// Appending to the log failed, for example because the disk is full.
    case writeFailed(file: String, reason: String)

    /// The log file could not be read.
    case unreadable(file: String, reason: String)

    /// A line (counted from 1) is not a metrics record.
    case malformedLine(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason):
            return "Cannot open metrics log \(file) for appending: \(reason). "
                + "Check that the output folder is writable."

        case .writeFailed(let file, let reason):
            return "Cannot append to metrics log \(file): \(reason). Check free disk space and permissions."

        case .unreadable(let file, let reason):
            return "Cannot read metrics log \(file): \(reason). Check the path."

        case .malformedLine(let file, let line, let reason):
            return "Metrics log \(file) line \(line) is not a metrics record: \(reason). "
                + "Delete the line if the run was cut off while writing it."
        }
    }
}
