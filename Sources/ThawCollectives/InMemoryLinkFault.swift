/// A fault injected into one direction of a link of an `InMemoryTransportHub`.
public enum InMemoryLinkFault: Sendable, Hashable, CustomStringConvertible {
    /// The link is cut, like a reset connection: sends on it and receives from it fail at once, including a
    /// receive already waiting.
    case broken

    /// The link drops everything, like a peer that stopped: sends seem to succeed, receives wait until
    /// their timeout.
    case silent

    public var description: String {
        switch self {
        case .broken:
            return "broken"
        case .silent:
            return "silent"
        }
    }
}
