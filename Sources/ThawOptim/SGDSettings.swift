/// The settings of Keras 2's legacy `SGD(lr, momentum, decay, nesterov)`.
///
/// `decay` is time-based learning-rate decay per update, not weight decay.
public struct SGDSettings: Sendable, Equatable, Codable {
    public var learningRate: Float
    public var momentum: Float
    public var decay: Float
    public var nesterov: Bool

    public init(learningRate: Float, momentum: Float = 0, decay: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.decay = decay
        self.nesterov = nesterov
    }
}
