import ThawTensor

/// Max pooling with a square window and no padding.
///
/// - input: `[batch, height, width, channels]`
/// - output: `[batch, (height - size) / stride + 1, (width - size) / stride + 1, channels]`
/// The gradient goes to the first maximum of each window.
public final class MaxPooling2D: Layer {
    public let name: String
    public let size: Int
    public let stride: Int
    public var isTrainable = false
    private var inputShape: [Int] = []
    private var winners: [Int32] = []

    public init(name: String, size: Int, stride: Int? = nil) {
        self.name = name
        self.size = size
        self.stride = stride ?? size
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.rank == 4, "\(self.name): input \(input.shape)")
        self.inputShape = input.shape
        let (batch, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outHeight = (height - self.size) / self.stride + 1
        let outWidth = (width - self.size) / self.stride + 1
        var winners = [Int32](repeating: 0, count: batch * outHeight * outWidth * channels)
        let output = Tensor(shape: [batch, outHeight, outWidth, channels]) { y in
            input.scalars.withUnsafeBufferPointer { x in
                var index = 0
                for image in 0..<batch {
                    for outY in 0..<outHeight {
                        for outX in 0..<outWidth {
                            for channel in 0..<channels {
                                var best = -Float.infinity
                                var bestIndex = 0
                                for windowY in 0..<self.size {
                                    for windowX in 0..<self.size {
                                        let inY = outY * self.stride + windowY
                                        let inX = outX * self.stride + windowX
                                        let source = ((image * height + inY) * width + inX) * channels + channel
                                        if x[source] > best {
                                            best = x[source]
                                            bestIndex = source
                                        }
                                    }
                                }
                                y[index] = best
                                winners[index] = Int32(bestIndex)
                                index += 1
                            }
                        }
                    }
                }
            }
        }
        self.winners = winners
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        guard needsInputGradient else { return nil }
        var inputGradient = Tensor(shape: self.inputShape)
        inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                for index in 0..<dy.count { dx[Int(self.winners[index])] += dy[index] }
            }
        }
        return inputGradient
    }
}
