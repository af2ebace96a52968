/// A collective that could not complete on one rank.
///
/// Every case names the rank that reports it and the peer involved, and the message cases name the
/// operation, chunk and step (through a `CollectiveTag`). Following the failure model in DESIGN.md, a caller
/// treats any of them as the loss of the group for this step: the transport may hold messages of the failed
/// collective and is not used again for another one; the group is rebuilt under a new membership generation.
public enum CollectiveError: Error, Equatable, Sendable {
    /// A wait for a message, or for a message to be handed to the link, ran past its timeout: the peer, or
    /// one further round the ring, is stalled or gone.
    case timedOut(rank: Int, peer: Int, direction: CollectiveDirection, tag: CollectiveTag, after: Duration)

    /// The link to the peer failed: end of stream, reset, TLS alert, a malformed frame, a local close, or an
    /// injected fault. `cause` is the transport's account.
    case linkFailed(rank: Int, peer: Int, direction: CollectiveDirection, tag: CollectiveTag, cause: String)

    /// A message arrived with another tag than the one expected: stale (another run, generation or step) or
    /// out of order (another operation, chunk or piece).
    case unexpectedTag(rank: Int, peer: Int, expected: CollectiveTag, received: CollectiveTag)

    /// A message had the expected tag but not the expected contents, such as another length: the ranks
    /// disagree on the element count or the layout.
    case malformedMessage(rank: Int, peer: Int, tag: CollectiveTag, cause: String)

    /// The peer is outside the group, or not a ring neighbour the transport has a link to.
    case unreachablePeer(rank: Int, peer: Int, size: Int, reason: String)

    /// Building a ring failed: no link to or from the peer could be made, or the peer was not the one expected.
    case ringSetupFailed(rank: Int, peer: Int, cause: String)

    /// The collective was called with an argument the group cannot use, such as a root outside it.
    case invalidArgument(rank: Int, operation: String, reason: String)

    /// Whether the error is a timeout.
    public var isTimeout: Bool {
        if case .timedOut = self {
            return true
        }
        return false
    }

    /// The rank that reported the error.
    public var rank: Int {
        switch self {
        case .timedOut(let rank, _, _, _, _), .linkFailed(let rank, _, _, _, _), .unexpectedTag(let rank, _, _, _),
            .malformedMessage(let rank, _, _, _), .unreachablePeer(let rank, _, _, _),
            .ringSetupFailed(let rank, _, _), .invalidArgument(let rank, _, _):
            return rank
        }
    }

    /// The step the failed message belonged to, when the error concerns a message.
    public var step: UInt64? {
        switch self {
        case .timedOut(_, _, _, let tag, _), .linkFailed(_, _, _, let tag, _), .unexpectedTag(_, _, let tag, _),
            .malformedMessage(_, _, let tag, _):
            return tag.scope.step
        case .unreachablePeer, .ringSetupFailed, .invalidArgument:
            return nil
        }
    }
}

extension CollectiveError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .timedOut(let rank, let peer, let direction, let tag, let after):
            let (verb, preposition) = direction.words
            return "rank \(rank) timed out after \(after.secondsText) \(verb) \(tag) \(preposition) rank \(peer); "
                + "rank \(peer) or a rank before it in the ring is stalled or gone."
        case .linkFailed(let rank, let peer, let direction, let tag, let cause):
            let (verb, preposition) = direction.words
            return "rank \(rank) lost its link \(preposition) rank \(peer) \(verb) \(tag): \(cause)"
        case .unexpectedTag(let rank, let peer, let expected, let received):
            let kind =
                received.scope == expected.scope
                ? "out of order" : "stale or from another run (its run, generation or step differs)"
            return "rank \(rank) rejected a message from rank \(peer): expected \(expected.fullDescription) "
                + "but received \(received.fullDescription), which is \(kind); the ranks disagree on the schedule."
        case .malformedMessage(let rank, let peer, let tag, let cause):
            return "rank \(rank) received a malformed \(tag) from rank \(peer): \(cause)."
        case .unreachablePeer(let rank, let peer, let size, let reason):
            return "rank \(rank) of \(size) cannot reach rank \(peer): \(reason)."
        case .ringSetupFailed(let rank, let peer, let cause):
            return "rank \(rank) could not link the ring with rank \(peer): \(cause)"
        case .invalidArgument(let rank, let operation, let reason):
            return "rank \(rank) cannot run \(operation): \(reason)."
        }
    }
}
