/// Settings of the Keras-style SGD optimizer for one phase.
///
/// At update `t` (from 0) the learning rate is `learningRate / (1 + decay * t)`.
public struct OptimizerConfiguration: Codable, Sendable, Equatable {
    /// The initial learning rate; greater than 0.
    public var learningRate: Double

    /// The velocity's decay per step, in [0, 1). Default 0 (plain SGD).
    public var momentum: Double

    /// The learning-rate decay per update, at least 0. Default 0.
    public var decay: Double

    /// Whether to use Nesterov momentum. Default false.
    public var nesterov: Bool

    /// Creates optimizer settings with the documented defaults.
    public init(learningRate: Double, momentum: Double = 0, decay: Double = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.decay = decay
        self.nesterov = nesterov
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case learningRate, momentum, decay, nesterov
    }

    /// Decodes strictly: unknown keys and values of the wrong type are errors naming their key path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)

        self.init(
            learningRate: try container.requiredNumber(.learningRate),
            momentum: try container.optionalNumber(.momentum) ?? 0,
            decay: try container.optionalNumber(.decay) ?? 0,
            nesterov: try container.optionalBool(.nesterov) ?? false
        )
    }
}
