import ThawTensor

/// A residual connection: `y = x + body(x)`; the body must keep the shape.
public final class Residual: Layer {
    public let name: String
    public let body: any Layer

    public init(name: String, body: any Layer) {
        self.name = name
        self.body = body
    }

    public var sublayers: [any Layer] { [self.body] }

    public var isTrainable: Bool {
        get { self.body.containsTrainable }
        set { self.body.isTrainable = newValue }
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let branch = self.body.forward(input, context: context)
        precondition(branch.shape == input.shape, "\(self.name): body changed shape \(input.shape) to \(branch.shape)")
        return Tensor(shape: input.shape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                branch.scalars.withUnsafeBufferPointer { b in
                    for index in 0..<x.count { y[index] = x[index] + b[index] }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        let branchGradient = self.body.backward(
            outputGradient, needsInputGradient: needsInputGradient, context: context)
        guard needsInputGradient, let branchGradient else { return nil }
        return Tensor(shape: outputGradient.shape) { dx in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                branchGradient.scalars.withUnsafeBufferPointer { db in
                    for index in 0..<dy.count { dx[index] = dy[index] + db[index] }
                }
            }
        }
    }
}
