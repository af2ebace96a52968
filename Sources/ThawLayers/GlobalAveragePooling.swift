import ThawTensor

/// Averages every channel over the spatial dimensions.
///
/// - input: `[batch, height, width, channels]`
/// - output: `[batch, channels]`
public final class GlobalAveragePooling: Layer {
    public let name: String
    public var isTrainable = false
    private var inputShape: [Int] = []

    public init(name: String) {
        self.name = name
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.rank == 4, "\(self.name): input \(input.shape)")
        self.inputShape = input.shape
        let (batch, pixels, channels) = (input.shape[0], input.shape[1] * input.shape[2], input.shape[3])
        let scale = 1 / Float(pixels)
        return Tensor(shape: [batch, channels]) { y in
            y.update(repeating: 0, count: batch * channels)
            input.scalars.withUnsafeBufferPointer { x in
                for image in 0..<batch {
                    let out = y + image * channels
                    for pixel in 0..<pixels {
                        let source = x.baseAddress! + (image * pixels + pixel) * channels
                        for channel in 0..<channels { out[channel] += source[channel] }
                    }
                    for channel in 0..<channels { out[channel] *= scale }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        guard needsInputGradient else { return nil }
        let (batch, pixels, channels) = (
            self.inputShape[0], self.inputShape[1] * self.inputShape[2], self.inputShape[3]
        )
        let scale = 1 / Float(pixels)
        return Tensor(shape: self.inputShape) { dx in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                for image in 0..<batch {
                    let gradient = dy.baseAddress! + image * channels
                    for pixel in 0..<pixels {
                        let destination = dx + (image * pixels + pixel) * channels
                        for channel in 0..<channels { destination[channel] = gradient[channel] * scale }
                    }
                }
            }
        }
    }
}
