/// What one collective message is: its scope, the operation, the chunk and the piece of that chunk.
///
/// A receiver states the tag it expects and the transport rejects any other with
/// `CollectiveError.unexpectedTag`, whether it is stale (another run, generation or step) or out of order
/// (another operation, chunk or piece).
public struct CollectiveTag: Sendable, Hashable, CustomStringConvertible {
    /// The run, membership generation and step.
    public var scope: CollectiveScope

    /// The phase of the collective.
    public var operation: CollectiveOperation

    /// The chunk index within the operation: the ring chunk for an all-reduce, the root rank for a broadcast.
    public var chunk: Int

    /// The piece of the chunk, when a chunk is sent in several pieces; 0 otherwise.
    public var piece: Int

    /// The tag of `piece` of `chunk` in `operation` within `scope`.
    public init(scope: CollectiveScope, operation: CollectiveOperation, chunk: Int, piece: Int = 0) {
        self.scope = scope
        self.operation = operation
        self.chunk = chunk
        self.piece = piece
    }

    /// Such as `reduce-scatter chunk 3 of step 17`, or `reduce-scatter chunk 3 piece 2 of step 17`.
    public var description: String {
        let piece = self.piece == 0 ? "" : " piece \(self.piece)"
        return "\(self.operation) chunk \(self.chunk)\(piece) of step \(self.scope.step)"
    }

    /// The description with the run and generation, such as
    /// `reduce-scatter chunk 3 of step 17 (run 7, generation 2)`.
    public var fullDescription: String {
        "\(self.description) (run \(self.scope.runID), generation \(self.scope.generation))"
    }
}
