/// Whether a rank was sending or receiving when a collective failed.
public enum CollectiveDirection: Sendable, Hashable {
    /// Sending to the peer.
    case sending

    /// Receiving from the peer.
    case receiving

    /// The verb and preposition for a message, such as `receiving` and `from`.
    var words: (verb: String, preposition: String) {
        switch self {
        case .sending:
            return ("sending", "to")
        case .receiving:
            return ("receiving", "from")
        }
    }
}
