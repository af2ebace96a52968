/// The sizes of one 2-D convolution over an NHWC batch.
///
/// Padding is given per side so that both PyTorch-style symmetric padding (`kernel / 2` on each
/// side) and TensorFlow-style "same" padding (more on the bottom and right) can be expressed.
public struct ConvolutionGeometry: Sendable, Equatable {
    public var batch: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputChannels: Int
    public var outputChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var stride: Int
    public var padTop: Int
    public var padLeft: Int
    public var padBottom: Int
    public var padRight: Int

    public init(
        batch: Int,
        inputHeight: Int,
        inputWidth: Int,
        inputChannels: Int,
        outputChannels: Int,
        kernelHeight: Int,
        kernelWidth: Int,
        stride: Int,
        padTop: Int,
        padLeft: Int,
        padBottom: Int,
        padRight: Int
    ) {
        self.batch = batch
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padTop = padTop
        self.padLeft = padLeft
        self.padBottom = padBottom
        self.padRight = padRight
    }

    /// Output rows: `(inputHeight + padTop + padBottom - kernelHeight) / stride + 1`.
    public var outputHeight: Int {
        (self.inputHeight + self.padTop + self.padBottom - self.kernelHeight) / self.stride + 1
    }

    /// Output columns: `(inputWidth + padLeft + padRight - kernelWidth) / stride + 1`.
    public var outputWidth: Int {
        (self.inputWidth + self.padLeft + self.padRight - self.kernelWidth) / self.stride + 1
    }

    /// Columns of the patch matrix: `kernelHeight * kernelWidth * inputChannels`.
    public var patchSize: Int { self.kernelHeight * self.kernelWidth * self.inputChannels }

    /// True for a 1x1, stride 1, unpadded convolution, which is a plain GEMM over pixels.
    public var isPointwise: Bool {
        self.kernelHeight == 1 && self.kernelWidth == 1 && self.stride == 1
            && self.padTop == 0 && self.padLeft == 0 && self.padBottom == 0 && self.padRight == 0
    }
}
