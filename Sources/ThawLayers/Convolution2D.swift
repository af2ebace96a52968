import ThawTensor

/// A 2-D convolution over NHWC images, optionally with a bias.
///
/// - input: `[batch, height, width, inputChannels]`
/// - weight: `[kernel, kernel, inputChannels, outputChannels]` (HWIO)
/// - output: `[batch, outHeight, outWidth, outputChannels]`
///
/// 1x1 stride-1 convolutions run as a single GEMM over pixels; others lower patches with
/// `im2col` first.
public final class Convolution2D: Layer {
    public let name: String
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: (top: Int, left: Int, bottom: Int, right: Int)
    public var isTrainable = true
    public let weight: ParameterHandle
    public let bias: ParameterHandle?
    private let store: ParameterStore
    private var cachedInput = Tensor(shape: [0])

    /// A convolution with He-normal weights drawn from `random`.
    /// - Parameter padding: per side; defaults to `kernelSize / 2` on every side, as in torchvision.
    public init(
        name: String,
        inputChannels: Int,
        outputChannels: Int,
        kernelSize: Int,
        stride: Int = 1,
        padding: (top: Int, left: Int, bottom: Int, right: Int)? = nil,
        hasBias: Bool = false,
        store: ParameterStore,
        random: inout SplitMix64
    ) {
        self.name = name
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding ?? (kernelSize / 2, kernelSize / 2, kernelSize / 2, kernelSize / 2)
        self.store = store

        let fanIn = Float(kernelSize * kernelSize * inputChannels)
        let deviation = (2 / fanIn).squareRoot()
        let count = kernelSize * kernelSize * inputChannels * outputChannels
        let initial = (0..<count).map { _ in random.nextGaussian() * deviation }
        self.weight = store.register(
            name: name + ".weight", layerName: name, shape: [kernelSize, kernelSize, inputChannels, outputChannels],
            torchLayout: .convolution, initialValues: initial)
        self.bias = hasBias ? store.register(name: name + ".bias", layerName: name, shape: [outputChannels]) : nil
    }

    public var parameters: [ParameterHandle] { [self.weight] + (self.bias.map { [$0] } ?? []) }

    private func geometry(for input: Tensor) -> ConvolutionGeometry {
        precondition(input.rank == 4 && input.shape[3] == self.inputChannels, "\(self.name): input \(input.shape)")
        return ConvolutionGeometry(
            batch: input.shape[0], inputHeight: input.shape[1], inputWidth: input.shape[2],
            inputChannels: self.inputChannels, outputChannels: self.outputChannels, kernelHeight: self.kernelSize,
            kernelWidth: self.kernelSize, stride: self.stride, padTop: self.padding.top, padLeft: self.padding.left,
            padBottom: self.padding.bottom, padRight: self.padding.right)
    }

    /// Runs `body` with the patch matrix `[rows, patchSize]` of `input`.
    private func withPatches<R>(_ input: Tensor, _ g: ConvolutionGeometry, _ body: (UnsafePointer<Float>) -> R) -> R {
        input.scalars.withUnsafeBufferPointer { x in
            if g.isPointwise { return body(x.baseAddress!) }
            let rows = g.batch * g.outputHeight * g.outputWidth
            let patches = UnsafeMutablePointer<Float>.allocate(capacity: rows * g.patchSize)
            defer { patches.deallocate() }
            ConvolutionKernels.im2col(x.baseAddress!, geometry: g, columns: patches)
            return body(patches)
        }
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let g = self.geometry(for: input)
        let rows = g.batch * g.outputHeight * g.outputWidth
        self.cachedInput = input

        let weight = self.store.pointer(self.weight)
        let bias = self.bias.map { self.store.pointer($0) }
        return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, self.outputChannels]) { output in
            self.withPatches(input, g) { patches in
                BLAS.gemm(m: rows, n: self.outputChannels, k: g.patchSize, a: patches, b: weight, c: output)
            }
            if let bias {
                for row in 0..<rows {
                    let pixel = output + row * self.outputChannels
                    for channel in 0..<self.outputChannels { pixel[channel] += bias[channel] }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        let input = self.cachedInput
        let g = self.geometry(for: input)
        let rows = g.batch * g.outputHeight * g.outputWidth

        if self.isTrainable, let weightGradient = context.gradients.pointer(self.weight) {
            context.countWeightGradient(self.name)
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                // dW[patchSize, outputChannels] += patchesᵀ · dy
                self.withPatches(input, g) { patches in
                    BLAS.gemm(
                        transposeA: true, m: g.patchSize, n: self.outputChannels, k: rows, a: patches,
                        b: dy.baseAddress!, beta: 1, c: weightGradient)
                }
                if let bias = self.bias, let biasGradient = context.gradients.pointer(bias) {
                    for row in 0..<rows {
                        let pixel = dy.baseAddress! + row * self.outputChannels
                        for channel in 0..<self.outputChannels { biasGradient[channel] += pixel[channel] }
                    }
                }
            }
        }

        guard needsInputGradient else { return nil }
        context.countInputGradient(self.name)
        let weight = self.store.pointer(self.weight)
        return Tensor(shape: input.shape) { inputGradient in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                // dPatches[rows, patchSize] = dy · Wᵀ, then folded back onto the pixels.
                if g.isPointwise {
                    BLAS.gemm(
                        transposeB: true, m: rows, n: g.patchSize, k: self.outputChannels, a: dy.baseAddress!,
                        b: weight, c: inputGradient)
                    return
                }
                let patchGradient = UnsafeMutablePointer<Float>.allocate(capacity: rows * g.patchSize)
                defer { patchGradient.deallocate() }
                BLAS.gemm(
                    transposeB: true, m: rows, n: g.patchSize, k: self.outputChannels, a: dy.baseAddress!, b: weight,
                    c: patchGradient)
                ConvolutionKernels.col2im(patchGradient, geometry: g, input: inputGradient)
            }
        }
    }
}
