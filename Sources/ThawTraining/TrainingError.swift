/// Errors of a training run that are not about the run file, the data or a file format.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The base weights do not fit the architecture.
    case incompatibleWeights(file: String, detail: String)
    /// A checkpoint was written by another run or model.
    case checkpointMismatch(file: String, detail: String)
    /// A step produced NaN or infinity.
    case diverged(phase: String, epoch: Int, step: Int, detail: String)
    /// A split that must not be empty is.
    case emptySplit(String)

    public var description: String {
        switch self {
        case .incompatibleWeights(let file, let detail):
            return "cannot load base weights from \(file): \(detail)"
        case .checkpointMismatch(let file, let detail):
            return "checkpoint \(file) does not belong to this run: \(detail). "
                + "Start afresh without --resume, or point --checkpoint at the right file."
        case .diverged(let phase, let epoch, let step, let detail):
            return "training diverged in phase '\(phase)', epoch \(epoch + 1), step \(step + 1): \(detail)"
        case .emptySplit(let split):
            return "the \(split) split is empty; check the data path and the limits in the run file"
        }
    }
}
