import ThawTensor

/// A fully connected layer: `y = x · W + b`.
///
/// - input: `[batch, inputs]`
/// - weight: `[inputs, outputs]`, bias: `[outputs]`
/// - output: `[batch, outputs]`
public final class Dense: Layer {
    public let name: String
    public let inputs: Int
    public let outputs: Int
    public var isTrainable = true
    public let weight: ParameterHandle
    public let bias: ParameterHandle
    private let store: ParameterStore
    private var cachedInput = Tensor(shape: [0])

    /// A dense layer with Glorot-uniform weights drawn from `random` and zero bias.
    public init(name: String, inputs: Int, outputs: Int, store: ParameterStore, random: inout SplitMix64) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.store = store

        let limit = (6 / Float(inputs + outputs)).squareRoot()
        let initial = (0..<(inputs * outputs)).map { _ in (random.nextUnitFloat() * 2 - 1) * limit }
        self.weight = store.register(
            name: name + ".weight", layerName: name, shape: [inputs, outputs], torchLayout: .dense,
            initialValues: initial)
        self.bias = store.register(name: name + ".bias", layerName: name, shape: [outputs])
    }

    public var parameters: [ParameterHandle] { [self.weight, self.bias] }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.rank == 2 && input.shape[1] == self.inputs, "\(self.name): input \(input.shape)")
        let batch = input.shape[0]
        self.cachedInput = input

        let weight = self.store.pointer(self.weight)
        let bias = self.store.pointer(self.bias)
        return Tensor(shape: [batch, self.outputs]) { output in
            for row in 0..<batch { (output + row * self.outputs).update(from: bias, count: self.outputs) }
            input.scalars.withUnsafeBufferPointer { x in
                BLAS.gemm(m: batch, n: self.outputs, k: self.inputs, a: x.baseAddress!, b: weight, beta: 1, c: output)
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        let batch = outputGradient.shape[0]
        let input = self.cachedInput

        if self.isTrainable, let weightGradient = context.gradients.pointer(self.weight),
            let biasGradient = context.gradients.pointer(self.bias)
        {
            context.countWeightGradient(self.name)
            // dW[inputs, outputs] += xᵀ · dy
            input.scalars.withUnsafeBufferPointer { x in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    BLAS.gemm(
                        transposeA: true, m: self.inputs, n: self.outputs, k: batch, a: x.baseAddress!,
                        b: dy.baseAddress!, beta: 1, c: weightGradient)
                    for row in 0..<batch {
                        let dyRow = dy.baseAddress! + row * self.outputs
                        for column in 0..<self.outputs { biasGradient[column] += dyRow[column] }
                    }
                }
            }
        }

        guard needsInputGradient else { return nil }
        context.countInputGradient(self.name)
        let weight = self.store.pointer(self.weight)
        // dx[batch, inputs] = dy · Wᵀ
        return Tensor(shape: [batch, self.inputs]) { inputGradient in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                BLAS.gemm(
                    transposeB: true, m: batch, n: self.inputs, k: self.outputs, a: dy.baseAddress!, b: weight,
                    c: inputGradient)
            }
        }
    }
}
