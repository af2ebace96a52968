/// Errors of the coordinator and worker roles.
public enum ClusterError: Error, CustomStringConvertible, Equatable {
    /// A message's payload does not decode.
    case malformedMessage(String)
    /// A peer sent a message that makes no sense at this point.
    case unexpectedMessage(peer: String, expected: String, received: String)
    /// A worker's hello was refused.
    case refused(String)
    /// Replicas disagree (trainable-set digests or weights).
    case replicasDisagree(String)
    /// A worker reported a failure, or a link to it failed.
    case workerFailed(worker: Int, step: Int?, operation: String, cause: String)
    /// The coordinator reported a failure, or the link to it failed.
    case coordinatorFailed(operation: String, cause: String)

    public var description: String {
        switch self {
        case .malformedMessage(let detail):
            return "malformed cluster message: \(detail)"
        case .unexpectedMessage(let peer, let expected, let received):
            return "\(peer) sent \(received) where \(expected) was expected"
        case .refused(let reason):
            return "refused: \(reason)"
        case .replicasDisagree(let detail):
            return "replicas disagree: \(detail)"
        case .workerFailed(let worker, let step, let operation, let cause):
            let at = step.map { " at step \($0)" } ?? ""
            return "worker \(worker) failed\(at) during \(operation): \(cause)"
        case .coordinatorFailed(let operation, let cause):
            return "the coordinator link failed during \(operation): \(cause)"
        }
    }
}
