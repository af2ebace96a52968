/// Why a learning-curve plot could not be made.
public enum LearningCurvePlotError: Error, CustomStringConvertible, Equatable {
    /// The records hold no step, epoch or test record to draw.
    case noData

    /// The SVG file could not be written.
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case .noData:
            return "Cannot plot learning curves: the metrics log has no step, epoch or test records. "
                + "Plot after at least one training step."

        case .writeFailed(let file, let reason):
            return "Cannot write learning-curve plot \(file): \(reason). Check that the folder is writable."
        }
    }
}
