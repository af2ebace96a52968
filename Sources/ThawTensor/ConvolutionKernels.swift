/// Convolution kernels over NHWC batches.
///
/// A general convolution lowers image patches to a matrix (`im2col`) and multiplies it by the
/// weight matrix with one GEMM; a pointwise (1x1) convolution is a GEMM over pixels directly;
/// a depthwise convolution is a direct loop whose innermost loop runs over channels, which are
/// contiguous in NHWC and so vectorise.
///
/// Every kernel visits elements in a fixed order, so results depend only on the inputs and the
/// BLAS kernel, never on timing.
public enum ConvolutionKernels {
    /// Lowers the patches of every image in the batch to rows of a matrix.
    ///
    /// - input: `[batch, inputHeight, inputWidth, inputChannels]`
    /// - columns: `[batch * outputHeight * outputWidth, kernelHeight * kernelWidth * inputChannels]`,
    ///   each row ordered `(ky, kx, channel)` to match HWIO weights. Padding reads as zero.
    public static func im2col(
        _ input: UnsafePointer<Float>,
        geometry g: ConvolutionGeometry,
        columns: UnsafeMutablePointer<Float>
    ) {
        let channels = g.inputChannels
        var row = columns
        for image in 0..<g.batch {
            let imageBase = input + image * g.inputHeight * g.inputWidth * channels
            for outY in 0..<g.outputHeight {
                for outX in 0..<g.outputWidth {
                    var destination = row
                    for kernelY in 0..<g.kernelHeight {
                        let inY = outY * g.stride - g.padTop + kernelY
                        for kernelX in 0..<g.kernelWidth {
                            let inX = outX * g.stride - g.padLeft + kernelX
                            if inY >= 0, inY < g.inputHeight, inX >= 0, inX < g.inputWidth {
                                destination.update(
                                    from: imageBase + (inY * g.inputWidth + inX) * channels, count: channels)
                            } else {
                                destination.update(repeating: 0, count: channels)
                            }
                            destination += channels
                        }
                    }
                    row += g.patchSize
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds each patch row back onto the pixels it was read from.
    ///
    /// - columns: `[batch * outputHeight * outputWidth, patchSize]`
    /// - input: `[batch, inputHeight, inputWidth, inputChannels]`, overwritten.
    public static func col2im(
        _ columns: UnsafePointer<Float>,
        geometry g: ConvolutionGeometry,
        input: UnsafeMutablePointer<Float>
    ) {
        let channels = g.inputChannels
        input.update(repeating: 0, count: g.batch * g.inputHeight * g.inputWidth * channels)
        var row = columns
        for image in 0..<g.batch {
            let imageBase = input + image * g.inputHeight * g.inputWidth * channels
            for outY in 0..<g.outputHeight {
                for outX in 0..<g.outputWidth {
                    var source = row
                    for kernelY in 0..<g.kernelHeight {
                        let inY = outY * g.stride - g.padTop + kernelY
                        for kernelX in 0..<g.kernelWidth {
                            let inX = outX * g.stride - g.padLeft + kernelX
                            if inY >= 0, inY < g.inputHeight, inX >= 0, inX < g.inputWidth {
                                let pixel = imageBase + (inY * g.inputWidth + inX) * channels
                                for channel in 0..<channels { pixel[channel] += source[channel] }
                            }
                            source += channels
                        }
                    }
                    row += g.patchSize
                }
            }
        }
    }

    /// Depthwise convolution forward: each channel convolved with its own kernel.
    ///
    /// - input: `[batch, inputHeight, inputWidth, channels]`
    /// - weight: `[kernelHeight, kernelWidth, channels]`
    /// - output: `[batch, outputHeight, outputWidth, channels]`, overwritten.
    public static func depthwiseForward(
        input: UnsafePointer<Float>,
        weight: UnsafePointer<Float>,
        geometry g: ConvolutionGeometry,
        output: UnsafeMutablePointer<Float>
    ) {
        let channels = g.inputChannels
        var outPixel = output
        for image in 0..<g.batch {
            let imageBase = input + image * g.inputHeight * g.inputWidth * channels
            for outY in 0..<g.outputHeight {
                for outX in 0..<g.outputWidth {
                    outPixel.update(repeating: 0, count: channels)
                    for kernelY in 0..<g.kernelHeight {
                        let inY = outY * g.stride - g.padTop + kernelY
                        guard inY >= 0, inY < g.inputHeight else { continue }
                        for kernelX in 0..<g.kernelWidth {
                            let inX = outX * g.stride - g.padLeft + kernelX
                            guard inX >= 0, inX < g.inputWidth else { continue }
                            let inPixel = imageBase + (inY * g.inputWidth + inX) * channels
                            let tap = weight + (kernelY * g.kernelWidth + kernelX) * channels
                            for channel in 0..<channels { outPixel[channel] += inPixel[channel] * tap[channel] }
                        }
                    }
                    outPixel += channels
                }
            }
        }
    }

    /// Depthwise convolution backward.
    ///
    /// - outputGradient: `[batch, outputHeight, outputWidth, channels]`
    /// - inputGradient: if given, `[batch, inputHeight, inputWidth, channels]`, overwritten.
    /// - weightGradient: if given, `[kernelHeight, kernelWidth, channels]`, accumulated into (`+=`).
    public static func depthwiseBackward(
        input: UnsafePointer<Float>,
        weight: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>,
        geometry g: ConvolutionGeometry,
        inputGradient: UnsafeMutablePointer<Float>?,
        weightGradient: UnsafeMutablePointer<Float>?
    ) {
        let channels = g.inputChannels
        if let inputGradient {
            inputGradient.update(repeating: 0, count: g.batch * g.inputHeight * g.inputWidth * channels)
        }
        var gradientPixel = outputGradient
        for image in 0..<g.batch {
            let imageOffset = image * g.inputHeight * g.inputWidth * channels
            for outY in 0..<g.outputHeight {
                for outX in 0..<g.outputWidth {
                    for kernelY in 0..<g.kernelHeight {
                        let inY = outY * g.stride - g.padTop + kernelY
                        guard inY >= 0, inY < g.inputHeight else { continue }
                        for kernelX in 0..<g.kernelWidth {
                            let inX = outX * g.stride - g.padLeft + kernelX
                            guard inX >= 0, inX < g.inputWidth else { continue }
                            let pixelOffset = imageOffset + (inY * g.inputWidth + inX) * channels
                            let tapOffset = (kernelY * g.kernelWidth + kernelX) * channels
                            if let weightGradient {
                                let inPixel = input + pixelOffset
                                let tapGradient = weightGradient + tapOffset
                                for channel in 0..<channels {
                                    tapGradient[channel] += inPixel[channel] * gradientPixel[channel]
                                }
                            }
                            if let inputGradient {
                                let inGradient = inputGradient + pixelOffset
                                let tap = weight + tapOffset
                                for channel in 0..<channels {
                                    inGradient[channel] += gradientPixel[channel] * tap[channel]
                                }
                            }
                        }
                    }
                    gradientPixel += channels
                }
            }
        }
    }
}
