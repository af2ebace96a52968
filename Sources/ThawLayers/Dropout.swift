import ThawTensor

/// Inverted dropout: in training, zeroes each element with probability `rate` and scales the
/// rest by `1 / (1 - rate)`; at inference, the identity.
///
/// The mask comes from `SplitMix64` seeded by the forward context's seed and this layer's name,
/// so every worker draws the same mask for the same micro-shard.
public final class Dropout: Layer {
    public let name: String
    public let rate: Float
    public var isTrainable = false
    private var mask: [Float] = []

    public init(name: String, rate: Float) {
        precondition(rate >= 0 && rate < 1, "dropout rate \(rate) must be in [0, 1)")
        self.name = name
        self.rate = rate
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        guard context.isTraining, self.rate > 0 else {
            self.mask = []
            return input
        }
        var random = SplitMix64(seed: context.randomSeed, streams: [stableHash(self.name)])
        let keep = 1 / (1 - self.rate)
        self.mask = (0..<input.count).map { _ in random.nextUnitFloat() < self.rate ? 0 : keep }
        return Tensor(shape: input.shape, scalars: zip(input.scalars, self.mask).map { $0 * $1 })
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard !self.mask.isEmpty else { return outputGradient }
        return Tensor(shape: outputGradient.shape, scalars: zip(outputGradient.scalars, self.mask).map { $0 * $1 })
    }
}

/// FNV-1a over UTF-8: a hash of a name that is the same in every process (unlike `Hasher`).
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    return hash
}
