import ThawLayers
import ThawTensor

/// Loss and accuracy of a model on a data split, in inference mode.
public struct Evaluation: Sendable, Equatable {
    public var loss: Double
    public var accuracy: Double
    public var samples: Int

    public init(loss: Double, accuracy: Double, samples: Int) {
        self.loss = loss
        self.accuracy = accuracy
        self.samples = samples
    }
}

/// Runs a model in inference mode over every sample of a split exactly once (no padding, no
/// duplicates), in fixed chunks of consecutive samples, so the figures do not depend on who
/// computes them.
public enum Evaluator {
    /// The chunk size of evaluation and feature caching. Fixed because OpenBLAS's results depend
    /// on the number of rows multiplied at once, and evaluations must be reproducible.
    public static let chunkSize = 32

    /// Evaluates `network` (a model's network or the part above a cached prefix) on `source`.
    public static func evaluate(_ network: Sequential, on source: SampleSource) -> Evaluation {
        var lossSum = 0.0
        var correct = 0
        for start in stride(from: 0, to: source.count, by: self.chunkSize) {
            let indices = Array(start..<min(start + self.chunkSize, source.count))
            let (inputs, labels) = source.batch(indices)
            let logits = network.forward(inputs, context: ForwardContext(isTraining: false))
            let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, scale: 1)
            lossSum += result.lossSum
            correct += result.correct
        }
        let count = max(1, source.count)
        return Evaluation(
            loss: lossSum / Double(count), accuracy: Double(correct) / Double(count), samples: source.count)
    }

    /// The outputs of the bottom `prefixLength` layers of `model` for every sample of `source`,
    /// computed once in inference mode: the inputs of a phase whose bottom is frozen.
    /// - Parameter progress: called with the number of samples done so far.
    public static func cacheFeatures(
        of model: Model,
        prefixLength: Int,
        source: SampleSource,
        progress: (Int) -> Void = { _ in }
    ) -> TensorSamples {
        let prefix = Sequential(name: "prefix", layers: Array(model.network.layers[..<prefixLength]))
        var features: [Float] = []
        var labels: [Int32] = []
        var featureShape: [Int] = []
        for start in stride(from: 0, to: source.count, by: self.chunkSize) {
            let indices = Array(start..<min(start + self.chunkSize, source.count))
            let (inputs, chunkLabels) = source.batch(indices)
            let output = prefix.forward(inputs, context: ForwardContext(isTraining: false))
            if features.isEmpty {
                featureShape = Array(output.shape.dropFirst())
                features.reserveCapacity(source.count * featureShape.reduce(1, *))
            }
            features += output.scalars
            labels += chunkLabels
            progress(labels.count)
        }
        return TensorSamples(inputs: Tensor(shape: [labels.count] + featureShape, scalars: features), labels: labels)
    }
}
