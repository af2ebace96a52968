import ThawTensor

/// Batch normalisation over the last (channel) dimension.
///
/// - input and output: `[..., channels]`; statistics are taken over every other dimension.
/// - parameters: `weight` (γ) and `bias` (β), `[channels]`; state: `running_mean` and
///   `running_var`, `[channels]`.
///
/// As in Keras, a frozen layer (`isTrainable == false`) always runs in inference mode: it
/// normalises with the moving statistics and never changes them. A trainable layer in a
/// training pass normalises with the batch's own statistics and reports them (mean and unbiased
/// variance) through the forward context; the trainer folds the statistics of all micro-shards
/// of a step into the moving averages once, with `updateMovingStatistics`.
public final class BatchNormalization: Layer {
    public let name: String
    public let channels: Int
    public let epsilon: Float
    /// The fraction of the old moving statistics kept at each update (Keras convention).
    public var momentum: Float
    public var isTrainable = true
    public let gamma: ParameterHandle
    public let beta: ParameterHandle
    public let runningMean: ParameterHandle
    public let runningVariance: ParameterHandle
    private let store: ParameterStore

    // Cached by forward for backward.
    private var normalized = Tensor(shape: [0])
    private var inverseDeviation: [Float] = []
    private var usedBatchStatistics = false

    public init(name: String, channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.99, store: ParameterStore) {
        self.name = name
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        self.store = store
        self.gamma = store.register(
            name: name + ".weight", layerName: name, shape: [channels],
            initialValues: [Float](repeating: 1, count: channels))
        self.beta = store.register(name: name + ".bias", layerName: name, shape: [channels])
        self.runningMean = store.register(
            name: name + ".running_mean", layerName: name, shape: [channels], kind: .state)
        self.runningVariance = store.register(
            name: name + ".running_var", layerName: name, shape: [channels], kind: .state,
            initialValues: [Float](repeating: 1, count: channels))
    }

    public var parameters: [ParameterHandle] { [self.gamma, self.beta] }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.last == self.channels, "\(self.name): input \(input.shape)")
        let channels = self.channels
        let rows = input.count / channels
        let useBatch = context.isTraining && self.isTrainable && rows > 1
        self.usedBatchStatistics = useBatch

        // Per channel: the mean and the variance used to normalise.
        var mean = [Float](repeating: 0, count: channels)
        var variance = [Float](repeating: 0, count: channels)
        if useBatch {
            let (batchMean, squares) = Self.meanAndSquaredDeviations(input, channels: channels)
            mean = batchMean
            variance = squares.map { Float($0 / Double(rows)) }
            context.batchNormStatistics[self.name] = (mean, squares.map { Float($0 / Double(rows - 1)) })
        } else {
            let runningMean = self.store.pointer(self.runningMean)
            let runningVariance = self.store.pointer(self.runningVariance)
            mean = Array(UnsafeBufferPointer(start: runningMean, count: channels))
            variance = Array(UnsafeBufferPointer(start: runningVariance, count: channels))
        }
        self.inverseDeviation = variance.map { 1 / ($0 + self.epsilon).squareRoot() }

        // x̂ = (x - mean) / deviation is cached for backward; y = γ x̂ + β.
        let gamma = self.store.pointer(self.gamma)
        let beta = self.store.pointer(self.beta)
        var normalized = Tensor(shape: input.shape) { _ in }
        let output = Tensor(shape: input.shape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                normalized.scalars.withUnsafeMutableBufferPointer { xHat in
                    self.inverseDeviation.withUnsafeBufferPointer { inverse in
                        mean.withUnsafeBufferPointer { mean in
                            let (x, xHat, inverse, mean) = (
                                x.baseAddress!, xHat.baseAddress!, inverse.baseAddress!, mean.baseAddress!
                            )
                            for row in 0..<rows {
                                let (source, normal, target) = (
                                    x + row * channels, xHat + row * channels, y + row * channels
                                )
                                for channel in 0..<channels {
                                    let value = (source[channel] - mean[channel]) * inverse[channel]
                                    normal[channel] = value
                                    target[channel] = gamma[channel] * value + beta[channel]
                                }
                            }
                        }
                    }
                }
            }
        }
        self.normalized = normalized
        return output
    }

    /// Per channel, the mean of `input` and the sum of squared deviations from it, accumulated
    /// in `Double` so that large spatial batches lose no precision.
    private static func meanAndSquaredDeviations(_ input: Tensor, channels: Int) -> ([Float], [Double]) {
        let rows = input.count / channels
        var sum = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        var mean = [Float](repeating: 0, count: channels)
        input.scalars.withUnsafeBufferPointer { x in
            sum.withUnsafeMutableBufferPointer { sum in
                squares.withUnsafeMutableBufferPointer { squares in
                    mean.withUnsafeMutableBufferPointer { mean in
                        let (x, sum, squares, mean) = (
                            x.baseAddress!, sum.baseAddress!, squares.baseAddress!, mean.baseAddress!
                        )
                        for row in 0..<rows {
                            let pixel = x + row * channels
                            for channel in 0..<channels { sum[channel] += Double(pixel[channel]) }
                        }
                        for channel in 0..<channels { mean[channel] = Float(sum[channel] / Double(rows)) }
                        for row in 0..<rows {
                            let pixel = x + row * channels
                            for channel in 0..<channels {
                                let centred = pixel[channel] - mean[channel]
                                squares[channel] += Double(centred * centred)
                            }
                        }
                    }
                }
            }
        }
        return (mean, squares)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        let channels = self.channels
        let rows = outputGradient.count / channels

        // Per channel: Σ dy and Σ dy·x̂, needed for γ and β and, in batch mode, for dx.
        var sumGradient = [Float](repeating: 0, count: channels)
        var sumGradientNormalized = [Float](repeating: 0, count: channels)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            self.normalized.scalars.withUnsafeBufferPointer { xHat in
                sumGradient.withUnsafeMutableBufferPointer { sumGradient in
                    sumGradientNormalized.withUnsafeMutableBufferPointer { sumNormalized in
                        let (dy, xHat) = (dy.baseAddress!, xHat.baseAddress!)
                        let (sumGradient, sumNormalized) = (sumGradient.baseAddress!, sumNormalized.baseAddress!)
                        for row in 0..<rows {
                            let (gradient, normal) = (dy + row * channels, xHat + row * channels)
                            for channel in 0..<channels {
                                sumGradient[channel] += gradient[channel]
                                sumNormalized[channel] += gradient[channel] * normal[channel]
                            }
                        }
                    }
                }
            }
        }

        if self.isTrainable, let gammaGradient = context.gradients.pointer(self.gamma),
            let betaGradient = context.gradients.pointer(self.beta)
        {
            context.countWeightGradient(self.name)
            for channel in 0..<channels {
                gammaGradient[channel] += sumGradientNormalized[channel]
                betaGradient[channel] += sumGradient[channel]
            }
        }

        guard needsInputGradient else { return nil }
        context.countInputGradient(self.name)

        // Inference mode: dx = γ / deviation · dy. Batch mode subtracts the parts of dy that
        // move the batch mean and variance: (Σ dy + x̂ Σ dy·x̂) / rows.
        let gamma = self.store.pointer(self.gamma)
        let scale = (0..<channels).map { gamma[$0] * self.inverseDeviation[$0] }
        let batchMode = self.usedBatchStatistics
        let meanGradient = sumGradient.map { batchMode ? $0 / Float(rows) : 0 }
        let meanGradientNormalized = sumGradientNormalized.map { batchMode ? $0 / Float(rows) : 0 }
        return Tensor(shape: outputGradient.shape) { dx in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                self.normalized.scalars.withUnsafeBufferPointer { xHat in
                    scale.withUnsafeBufferPointer { scale in
                        meanGradient.withUnsafeBufferPointer { meanGradient in
                            meanGradientNormalized.withUnsafeBufferPointer { meanNormalized in
                                let (dy, xHat, scale) = (dy.baseAddress!, xHat.baseAddress!, scale.baseAddress!)
                                let (meanGradient, meanNormalized) = (
                                    meanGradient.baseAddress!, meanNormalized.baseAddress!
                                )
                                for row in 0..<rows {
                                    let base = row * channels
                                    let (gradient, normal, target) = (dy + base, xHat + base, dx + base)
                                    for channel in 0..<channels {
                                        let centred =
                                            gradient[channel] - meanGradient[channel] - normal[channel]
                                            * meanNormalized[channel]
                                        target[channel] = scale[channel] * centred
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Folds batch statistics into the moving averages:
    /// `moving = momentum * moving + (1 - momentum) * batch`.
    public func updateMovingStatistics(mean: [Float], variance: [Float]) {
        precondition(mean.count == self.channels && variance.count == self.channels)
        let runningMean = self.store.pointer(self.runningMean)
        let runningVariance = self.store.pointer(self.runningVariance)
        for channel in 0..<self.channels {
            runningMean[channel] = self.momentum * runningMean[channel] + (1 - self.momentum) * mean[channel]
            runningVariance[channel] =
                self.momentum * runningVariance[channel] + (1 - self.momentum) * variance[channel]
        }
    }
}
