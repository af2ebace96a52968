import ThawTensor

/// An elementwise activation with no parameters: ReLU or ReLU6 (`min(max(x, 0), 6)`).
///
/// - input and output: any shape.
/// The gradient passes where the input is strictly inside the linear range, as in PyTorch.
public final class Activation: Layer {
    public enum Kind: Sendable {
        case relu
        case relu6
    }

    public let name: String
    public let kind: Kind
    public var isTrainable = false
    private var cachedInput = Tensor(shape: [0])

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        self.cachedInput = input
        let upper: Float = self.kind == .relu6 ? 6 : .infinity
        return Tensor(shape: input.shape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                for index in 0..<x.count { y[index] = min(max(x[index], 0), upper) }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        guard needsInputGradient else { return nil }
        let upper: Float = self.kind == .relu6 ? 6 : .infinity
        return Tensor(shape: outputGradient.shape) { dx in
            self.cachedInput.scalars.withUnsafeBufferPointer { x in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    for index in 0..<x.count {
                        dx[index] = (x[index] > 0 && x[index] < upper) ? dy[index] : 0
                    }
                }
            }
        }
    }
}
