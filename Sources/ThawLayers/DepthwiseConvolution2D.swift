import ThawTensor

/// A depthwise convolution: every channel is convolved with its own `kernel x kernel` filter.
///
/// - input: `[batch, height, width, channels]`
/// - weight: `[kernel, kernel, channels]`
/// - output: `[batch, outHeight, outWidth, channels]`
public final class DepthwiseConvolution2D: Layer {
    public let name: String
    public let channels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: (top: Int, left: Int, bottom: Int, right: Int)
    public var isTrainable = true
    public let weight: ParameterHandle
    private let store: ParameterStore
    private var cachedInput = Tensor(shape: [0])

    /// A depthwise convolution with He-normal weights drawn from `random`.
    /// - Parameter padding: per side; defaults to `kernelSize / 2` on every side.
    public init(
        name: String,
        channels: Int,
        kernelSize: Int,
        stride: Int = 1,
        padding: (top: Int, left: Int, bottom: Int, right: Int)? = nil,
        store: ParameterStore,
        random: inout SplitMix64
    ) {
        self.name = name
        self.channels = channels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding ?? (kernelSize / 2, kernelSize / 2, kernelSize / 2, kernelSize / 2)
        self.store = store

        let deviation = (2 / Float(kernelSize * kernelSize)).squareRoot()
        let initial = (0..<(kernelSize * kernelSize * channels)).map { _ in random.nextGaussian() * deviation }
        self.weight = store.register(
            name: name + ".weight", layerName: name, shape: [kernelSize, kernelSize, channels],
            torchLayout: .depthwise, initialValues: initial)
    }

    public var parameters: [ParameterHandle] { [self.weight] }

    private func geometry(for input: Tensor) -> ConvolutionGeometry {
        precondition(input.rank == 4 && input.shape[3] == self.channels, "\(self.name): input \(input.shape)")
        return ConvolutionGeometry(
            batch: input.shape[0], inputHeight: input.shape[1], inputWidth: input.shape[2],
            inputChannels: self.channels, outputChannels: self.channels, kernelHeight: self.kernelSize,
            kernelWidth: self.kernelSize, stride: self.stride, padTop: self.padding.top, padLeft: self.padding.left,
            padBottom: self.padding.bottom, padRight: self.padding.right)
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let g = self.geometry(for: input)
        self.cachedInput = input
        let weight = self.store.pointer(self.weight)
        return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, self.channels]) { output in
            input.scalars.withUnsafeBufferPointer { x in
                ConvolutionKernels.depthwiseForward(input: x.baseAddress!, weight: weight, geometry: g, output: output)
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        let input = self.cachedInput
        let g = self.geometry(for: input)
        let weightGradient = self.isTrainable ? context.gradients.pointer(self.weight) : nil
        guard weightGradient != nil || needsInputGradient else { return nil }
        if weightGradient != nil { context.countWeightGradient(self.name) }
        if needsInputGradient { context.countInputGradient(self.name) }

        var inputGradient = needsInputGradient ? Tensor(shape: input.shape) : nil
        let weight = self.store.pointer(self.weight)
        input.scalars.withUnsafeBufferPointer { x in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                if inputGradient != nil {
                    inputGradient!.scalars.withUnsafeMutableBufferPointer { dx in
                        ConvolutionKernels.depthwiseBackward(
                            input: x.baseAddress!, weight: weight, outputGradient: dy.baseAddress!, geometry: g,
                            inputGradient: dx.baseAddress!, weightGradient: weightGradient)
                    }
                } else {
                    ConvolutionKernels.depthwiseBackward(
                        input: x.baseAddress!, weight: weight, outputGradient: dy.baseAddress!, geometry: g,
                        inputGradient: nil, weightGradient: weightGradient)
                }
            }
        }
        return inputGradient
    }
}
