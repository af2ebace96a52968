import ThawTensor

/// Flattens every dimension after the first.
///
/// - input: `[batch, d1, d2, ...]`
/// - output: `[batch, d1 * d2 * ...]`
public final class Flatten: Layer {
    public let name: String
    public var isTrainable = false
    private var inputShape: [Int] = []

    public init(name: String) {
        self.name = name
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        self.inputShape = input.shape
        let batch = input.shape.first ?? 0
        return input.reshaped(to: [batch, batch == 0 ? 0 : input.count / batch])
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        needsInputGradient ? outputGradient.reshaped(to: self.inputShape) : nil
    }
}
