import ThawTensor

/// One differentiable step of a model.
///
/// `forward` caches what `backward` needs; `backward` takes the gradient of the loss with
/// respect to the output, adds the gradients of this layer's trainable parameters into the
/// context's gradient buffer (`+=`, so micro-shards can be summed), and returns the gradient with
/// respect to the input when asked for it. A layer is reused across calls but is not reentrant:
/// concurrent training uses one model instance per thread over a shared `ParameterStore`.
public protocol Layer: AnyObject {
    /// The layer's name; its parameters are named `<name>.<parameter>`.
    var name: String { get }
    /// The parameters this layer owns itself (not those of its sublayers).
    var parameters: [ParameterHandle] { get }
    /// Layers nested inside this one, in execution order.
    var sublayers: [any Layer] { get }
    /// Whether this layer's own parameters are trained. Containers forward the flag to sublayers.
    var isTrainable: Bool { get set }

    func forward(_ input: Tensor, context: ForwardContext) -> Tensor

    /// - Returns: the input gradient if `needsInputGradient`, otherwise `nil`.
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor?
}

extension Layer {
    public var parameters: [ParameterHandle] { [] }
    public var sublayers: [any Layer] { [] }

    /// True if this layer or any sublayer has a trainable parameter.
    public var containsTrainable: Bool {
        (!self.parameters.isEmpty && self.isTrainable) || self.sublayers.contains { $0.containsTrainable }
    }

    /// This layer and every nested layer, depth first, in execution order.
    public var allLayers: [any Layer] {
        [self] + self.sublayers.flatMap { $0.allLayers }
    }
}

/// What a forward pass needs to know beyond its input.
public final class ForwardContext {
    /// Training mode: dropout is active and trainable batch-norm layers use batch statistics.
    public let isTraining: Bool
    /// The seed of this forward pass's random streams (dropout), derived by the caller from the
    /// run seed, the step and the micro-shard so that it is the same on every worker.
    public let randomSeed: UInt64
    /// Batch statistics that trainable batch-norm layers measured in training mode, keyed by
    /// layer name: per channel mean and unbiased variance. The trainer combines them over the
    /// micro-shards of a step and then updates the moving statistics once.
    public var batchNormStatistics: [String: (mean: [Float], variance: [Float])] = [:]

    public init(isTraining: Bool, randomSeed: UInt64 = 0) {
        self.isTraining = isTraining
        self.randomSeed = randomSeed
    }
}

/// What a backward pass writes to and counts.
public final class BackwardContext {
    /// Where weight gradients accumulate; frozen parameters have no slot in it.
    public let gradients: GradientBuffer
    /// Names of the layers that computed a weight gradient, with how many times.
    public private(set) var weightGradientWork: [String: Int] = [:]
    /// Names of the layers that computed an input gradient, with how many times.
    public private(set) var inputGradientWork: [String: Int] = [:]

    public init(gradients: GradientBuffer) {
        self.gradients = gradients
    }

    /// Records that `layer` computed its weight gradient.
    public func countWeightGradient(_ layer: String) {
        self.weightGradientWork[layer, default: 0] += 1
    }

    /// Records that `layer` computed its input gradient.
    public func countInputGradient(_ layer: String) {
        self.inputGradientWork[layer, default: 0] += 1
    }
}
