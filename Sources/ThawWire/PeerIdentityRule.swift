/// Which identities a TLS endpoint accepts from the other end of a connection.
///
/// A coordinator's listener admits `.anyWorker`; a worker dialling the coordinator expects `.coordinator`;
/// a worker dialling its ring neighbour expects `.worker(neighbourID)`. The rule is checked after the
/// certificate chain has been verified against the cluster CA, so it decides between holders of genuine
/// cluster certificates: a worker certificate cannot pose as the coordinator or as another worker.
public enum PeerIdentityRule: Sendable, Hashable, CustomStringConvertible {
    /// Only the coordinator.
    case coordinator

    /// Only the worker with this id.
    case worker(Int)

    /// Any worker, whatever its id.
    case anyWorker

    /// Any identity the cluster CA has issued: the coordinator or any worker.
    case anyMember

    /// Whether `identity` satisfies this rule.
    public func admits(_ identity: PeerIdentity) -> Bool {
        switch (self, identity) {
        case (.anyMember, _), (.coordinator, .coordinator), (.anyWorker, .worker):
            return true
        case (.worker(let expected), .worker(let presented)):
            return expected == presented
        default:
            return false
        }
    }

    public var description: String {
        switch self {
        case .coordinator:
            return "the coordinator (thaw-coordinator)"
        case .worker(let id):
            return "worker \(id) (\(PeerIdentity.worker(id).commonName))"
        case .anyWorker:
            return "any worker (thaw-worker-<id>)"
        case .anyMember:
            return "any cluster member"
        }
    }
}
