/// How a ring collective splits `count` elements into one chunk per rank, and each chunk into pieces.
///
/// Chunk boundaries are a pure function of `count` and `parts`: the first `count % parts` chunks hold one
/// element more than the rest, so chunks differ in length by at most one and some are empty when
/// `count < parts`. Each chunk is cut into pieces of at most `pieceLength` elements, sent as separate
/// messages so a rank can forward the first piece while later ones are still arriving. An empty chunk has
/// no pieces and sends no message.
public struct RingPartition: Sendable, Equatable {
    /// The number of elements split.
    public let count: Int

    /// The number of chunks: the number of ranks.
    public let parts: Int

    /// The most elements in one piece; at least 1 and at most `max(count, 1)`.
    public let pieceLength: Int

    /// A partition of `count` elements into `parts` chunks cut into pieces of at most `pieceLength`.
    ///
    /// - Precondition: `count >= 0`, `parts >= 1`.
    public init(count: Int, parts: Int, pieceLength: Int = .max) {
        precondition(count >= 0 && parts >= 1, "a ring partition needs count >= 0 and parts >= 1")
        self.count = count
        self.parts = parts
        self.pieceLength = min(max(pieceLength, 1), max(count, 1))
    }

    /// The element range of chunk `index`, in `0..<parts`.
    public func chunk(_ index: Int) -> Range<Int> {
        let base = self.count / self.parts
        let remainder = self.count % self.parts
        let start = index * base + min(index, remainder)
        return start..<(start + base + (index < remainder ? 1 : 0))
    }

    /// The element ranges of the pieces of chunk `index`, in order; empty for an empty chunk.
    public func pieces(ofChunk index: Int) -> [Range<Int>] {
        let chunk = self.chunk(index)
        return stride(from: chunk.lowerBound, to: chunk.upperBound, by: self.pieceLength).map { start in
            start..<min(start + self.pieceLength, chunk.upperBound)
        }
    }
}
