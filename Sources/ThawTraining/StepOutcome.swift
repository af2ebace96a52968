import ThawLayers
import ThawOptim

/// The reduced step vector, read out: what one training step measured.
public struct StepOutcome: Sendable, Equatable {
    public var lossSum: Double
    public var correct: Int
    public var samples: Int
    /// Where the step's time went; nil when nothing measured it.
    public var timing: StepTiming?

    public var meanLoss: Double { self.samples == 0 ? 0 : self.lossSum / Double(self.samples) }
    public var accuracy: Double { self.samples == 0 ? 0 : Double(self.correct) / Double(self.samples) }

    public init(lossSum: Double, correct: Int, samples: Int, timing: StepTiming? = nil) {
        self.lossSum = lossSum
        self.correct = correct
        self.samples = samples
        self.timing = timing
    }
}

extension StepVector {
    /// Applies a reduced step vector: one SGD update with its gradient, and the mean of the
    /// micro-shards' batch statistics folded into each trainable batch norm's moving averages.
    /// Every replica that applies the same vector ends with the same bits.
    public func apply(_ total: [Float], to model: Model, optimizer: KerasSGD) -> StepOutcome {
        total.withUnsafeBufferPointer { values in
            optimizer.step(parameters: model.store.values, gradients: values.baseAddress!)
        }

        var statistics: [String: (mean: [Float], variance: [Float])] = [:]
        for slot in self.batchNorms where total[slot.countOffset] > 0 {
            let measured = total[slot.countOffset]
            statistics[slot.layerName] = (
                total[slot.meanOffset..<slot.varianceOffset].map { $0 / measured },
                total[slot.varianceOffset..<slot.countOffset].map { $0 / measured }
            )
        }
        model.updateMovingStatistics(statistics)

        return StepOutcome(
            lossSum: Double(total[self.lossOffset]), correct: Int(total[self.correctOffset].rounded()),
            samples: Int(total[self.samplesOffset].rounded()))
    }
}
