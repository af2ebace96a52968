import ThawLayers

/// The layout of everything one training step sums over its micro-shards, in one flat vector.
///
/// ```
/// [ gradients of the trainable set (packed by TrainableLayout)
/// | for each trainable batch norm: batch mean [C], batch variance [C], micro-shards measured [1]
/// | loss sum [1] | correct predictions [1] | samples [1] ]
/// ```
///
/// Each micro-shard produces one such vector; the step's vector is their exact sum (see
/// `ExactReduction`), so a step needs one reduction whatever it carries. Every range is its own
/// scaling segment, so a large batch variance never costs a small gradient its precision.
public struct StepVector: Sendable, Equatable {
    /// A batch-norm layer whose statistics travel in the vector.
    public struct BatchNormSlot: Sendable, Equatable {
        public let layerName: String
        public let channels: Int
        public let meanOffset: Int
        public var varianceOffset: Int { self.meanOffset + self.channels }
        public var countOffset: Int { self.meanOffset + 2 * self.channels }
    }

    public let gradientCount: Int
    public let batchNorms: [BatchNormSlot]
    public let lossOffset: Int
    public var correctOffset: Int { self.lossOffset + 1 }
    public var samplesOffset: Int { self.lossOffset + 2 }
    public var count: Int { self.lossOffset + 3 }
    /// The scaling segments: one per trainable tensor, per batch-norm statistic and per metric.
    public let segments: [Range<Int>]

    /// The vector for `model` under the trainable `layout`; batch norms that train in this
    /// layout (their γ is trainable) carry their statistics.
    public init(model: Model, layout: TrainableLayout) {
        var segments = layout.slots.map { $0.gradientOffset..<($0.gradientOffset + $0.count) }
        var offset = layout.count
        var batchNorms: [BatchNormSlot] = []
        for layer in model.batchNormLayers where layout.gradientOffset(of: layer.gamma) != nil {
            let slot = BatchNormSlot(layerName: layer.name, channels: layer.channels, meanOffset: offset)
            segments.append(slot.meanOffset..<slot.varianceOffset)
            segments.append(slot.varianceOffset..<slot.countOffset)
            segments.append(slot.countOffset..<(slot.countOffset + 1))
            batchNorms.append(slot)
            offset = slot.countOffset + 1
        }
        self.gradientCount = layout.count
        self.batchNorms = batchNorms
        self.lossOffset = offset
        segments += [offset..<(offset + 1), (offset + 1)..<(offset + 2), (offset + 2)..<(offset + 3)]
        self.segments = segments
    }
}
