import Foundation
import ThawTensor

/// Softmax followed by cross-entropy against integer labels.
public enum SoftmaxCrossEntropy {
    /// The outcome for one batch.
    public struct Result {
        /// The sum (not the mean) of the per-sample losses, in `Double`.
        public var lossSum: Double
        /// How many samples had the label as their largest logit.
        public var correct: Int
        /// `scale * (softmax(logits) - onehot(labels))`, `[batch, classes]`.
        public var gradient: Tensor
    }

    /// - logits: `[batch, classes]`; labels: `batch` class indices in `0..<classes`.
    /// - scale: multiplies the gradient; `1 / globalBatchSize` makes it the gradient of the
    ///   global batch's mean loss, so micro-shard gradients simply add up.
    public static func evaluate(logits: Tensor, labels: [Int32], scale: Float) -> Result {
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        precondition(labels.count == batch, "\(labels.count) labels for a batch of \(batch)")
        var lossSum = 0.0
        var correct = 0
        let gradient = Tensor(shape: logits.shape) { dx in
            logits.scalars.withUnsafeBufferPointer { z in
                for row in 0..<batch {
                    let logitsRow = z.baseAddress! + row * classes
                    let label = Int(labels[row])
                    var largest = logitsRow[0]
                    var winner = 0
                    for column in 1..<classes where logitsRow[column] > largest {
                        largest = logitsRow[column]
                        winner = column
                    }
                    if winner == label { correct += 1 }

                    var total: Float = 0
                    for column in 0..<classes {
                        let exponential = Foundation.exp(logitsRow[column] - largest)
                        dx[row * classes + column] = exponential
                        total += exponential
                    }
                    lossSum += Double(Foundation.log(total) - (logitsRow[label] - largest))
                    for column in 0..<classes {
                        let probability = dx[row * classes + column] / total
                        dx[row * classes + column] = scale * (probability - (column == label ? 1 : 0))
                    }
                }
            }
        }
        return Result(lossSum: lossSum, correct: correct, gradient: gradient)
    }

    /// Softmax probabilities of each row of `logits`, `[batch, classes]`.
    public static func probabilities(_ logits: Tensor) -> Tensor {
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        var output = logits
        for row in 0..<batch {
            let range = (row * classes)..<((row + 1) * classes)
            let largest = output.scalars[range].max() ?? 0
            var total: Float = 0
            for index in range {
                output.scalars[index] = Foundation.exp(output.scalars[index] - largest)
                total += output.scalars[index]
            }
            for index in range { output.scalars[index] /= total }
        }
        return output
    }
}
