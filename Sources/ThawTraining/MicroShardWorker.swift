import ThawLayers
import ThawTensor

/// Computes the step-vector contribution of one micro-shard: the gradient of the global batch's
/// mean loss restricted to these samples, the batch statistics of trainable batch norms, and the
/// loss and accuracy counts.
///
/// When the bottom of the model is frozen and deterministic, the worker can start above it
/// (`startLayer`) on inputs that are that part's cached outputs.
public final class MicroShardWorker {
    public let model: Model
    public let vector: StepVector
    public let startLayer: Int
    private let gradients: GradientBuffer
    private let network: Sequential

    public init(model: Model, layout: TrainableLayout, startLayer: Int = 0) {
        self.model = model
        self.vector = StepVector(model: model, layout: layout)
        self.startLayer = startLayer
        self.gradients = GradientBuffer(layout: layout)
        self.network = model.network(from: startLayer)
    }

    /// The contribution of one micro-shard.
    ///
    /// - inputs: `[samples, ...]`, images or the cached outputs of the layers below `startLayer`.
    /// - globalBatchSize: the number of samples in the whole step (all micro-shards of all
    ///   workers), so that contributions add up to the gradient of the step's mean loss.
    /// - randomSeed: the seed of this micro-shard's dropout masks.
    public func contribution(inputs: Tensor, labels: [Int32], globalBatchSize: Int, randomSeed: UInt64) -> [Float] {
        self.gradients.zero()
        let forward = ForwardContext(isTraining: true, randomSeed: randomSeed)
        let logits = self.network.forward(inputs, context: forward)
        let loss = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, scale: 1 / Float(globalBatchSize))
        _ = self.network.backward(
            loss.gradient, needsInputGradient: false, context: BackwardContext(gradients: self.gradients))

        var result = [Float](repeating: 0, count: self.vector.count)
        result.withUnsafeMutableBufferPointer { result in
            result.baseAddress!.update(from: self.gradients.values, count: self.vector.gradientCount)
        }
        for slot in self.vector.batchNorms {
            guard let statistics = forward.batchNormStatistics[slot.layerName] else { continue }
            result.replaceSubrange(slot.meanOffset..<slot.varianceOffset, with: statistics.mean)
            result.replaceSubrange(slot.varianceOffset..<slot.countOffset, with: statistics.variance)
            result[slot.countOffset] = 1
        }
        result[self.vector.lossOffset] = Float(loss.lossSum)
        result[self.vector.correctOffset] = Float(loss.correct)
        result[self.vector.samplesOffset] = Float(labels.count)
        return result
    }
}

extension Model {
    /// The layers of the network from `index` up, as one sequence.
    public func network(from index: Int) -> Sequential {
        index == 0 ? self.network : Sequential(name: self.network.name, layers: Array(self.network.layers[index...]))
    }

    /// How many bottom layers of the network are frozen and deterministic (no dropout), so that
    /// their output for a sample never changes during the phase and can be computed once.
    public var frozenPrefixLength: Int {
        var length = 0
        for layer in self.network.layers {
            if layer.containsTrainable || layer.allLayers.contains(where: { $0 is Dropout }) { break }
            length += 1
        }
        return length
    }
}
