import ThawTensor

/// Labelled samples addressable by index: a data split after preprocessing, or cached features.
public protocol SampleSource: AnyObject {
    /// The number of samples.
    var count: Int { get }
    /// The shape of one sample's input, e.g. `[96, 96, 3]` or `[1280]`.
    var sampleShape: [Int] { get }
    /// The inputs `[indices.count] + sampleShape` and the labels of the given samples, in order.
    func batch(_ indices: [Int]) -> (inputs: Tensor, labels: [Int32])
}

/// Samples held in memory as one tensor, e.g. the cached outputs of a frozen base.
public final class TensorSamples: SampleSource {
    public let inputs: Tensor
    public let labels: [Int32]

    /// - inputs: `[samples, ...]`; labels: one per sample.
    public init(inputs: Tensor, labels: [Int32]) {
        precondition(inputs.shape.first == labels.count, "\(labels.count) labels for inputs \(inputs.shape)")
        self.inputs = inputs
        self.labels = labels
    }

    public var count: Int { self.labels.count }
    public var sampleShape: [Int] { Array(self.inputs.shape.dropFirst()) }

    public func batch(_ indices: [Int]) -> (inputs: Tensor, labels: [Int32]) {
        let width = self.sampleShape.reduce(1, *)
        let inputs = Tensor(shape: [indices.count] + self.sampleShape) { destination in
            self.inputs.scalars.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    (destination + row * width).update(from: source.baseAddress! + index * width, count: width)
                }
            }
        }
        return (inputs, indices.map { self.labels[$0] })
    }
}
