import Foundation
import ThawTraining

/// Turns training events into what a person and a plotting script see: a Keras-like progress
/// bar on standard output, structured log lines on standard error, and the metrics log.
final class TrainingConsole {
    private let log: Log
    private let metrics: MetricsLog
    private let isTerminal: Bool
    private var bar: ProgressBar?
    private var phaseName = ""
    private var lastCachingReport = -1
    private var lastRunEpoch = 0.0

    init(log: Log, metrics: MetricsLog, isTerminal: Bool = ProgressBar.isStandardOutputTerminal) {
        self.log = log
        self.metrics = metrics
        self.isTerminal = isTerminal
    }

    func handle(_ event: TrainingEvent) {
        do {
            try self.record(event)
        } catch {
            self.log(.warning, "could not write the metrics log", [("cause", "\(error)")])
        }
    }

    private func record(_ event: TrainingEvent) throws {
        let now = Date().timeIntervalSince1970
        switch event {
        case .phaseStarted(let start):
            self.phaseName = start.name
            self.log(
                .info, "phase started",
                [
                    ("phase", start.name), ("epochs", String(start.epochs)),
                    ("steps_per_epoch", String(start.stepsPerEpoch)),
                    ("trainable_tensors", String(start.trainableTensors)),
                    ("trainable_parameters", String(start.trainableParameters)), ("digest", start.digest),
                    ("cached_layers", String(start.cachedLayers)),
                ])
            try self.metrics.append(
                MetricsRecord(
                    event: .phase, phase: start.name, epoch: start.firstEpoch,
                    fractionalEpoch: Double(start.epochsBefore), wallTime: now))

        case .cachingFeatures(let split, let done, let total):
            let decile = total == 0 ? 10 : done * 10 / total
            if decile != self.lastCachingReport {
                self.lastCachingReport = decile
                self.log(
                    .info, "computing frozen-base features",
                    [("split", split), ("done", String(done)), ("total", String(total))])
            }
            if done == total { self.lastCachingReport = -1 }

        case .epochStarted(_, let epoch, let epochs, let stepsPerEpoch):
            var bar = ProgressBar(
                epoch: epoch + 1, epochCount: max(1, epochs), stepCount: max(1, stepsPerEpoch),
                isTerminal: self.isTerminal)
            bar.start()
            self.bar = bar

        case .stepFinished(let step):
            self.lastRunEpoch = step.runEpoch
            self.bar?.update(step: step.step + 1, samples: step.samples, loss: step.loss, accuracy: step.accuracy)
            try self.metrics.append(
                MetricsRecord(
                    event: .step, phase: step.phaseName, epoch: step.epoch, step: step.step,
                    fractionalEpoch: step.runEpoch, loss: step.loss, accuracy: step.accuracy,
                    samplesPerSecond: step.samplesPerSecond, learningRate: step.learningRate,
                    computeSeconds: step.timing?.computeSeconds, reduceSeconds: step.timing?.reduceSeconds,
                    wallTime: now))

        case .epochFinished(let epoch):
            self.bar?.finish(
                samples: epoch.samples, loss: epoch.loss, accuracy: epoch.accuracy,
                validationLoss: epoch.validation.loss, validationAccuracy: epoch.validation.accuracy,
                trainingSeconds: epoch.seconds)
            self.bar = nil
            self.lastRunEpoch = epoch.runEpoch
            try self.metrics.append(
                MetricsRecord(
                    event: .epoch, phase: epoch.phaseName, epoch: epoch.epoch, fractionalEpoch: epoch.runEpoch,
                    loss: epoch.loss, accuracy: epoch.accuracy, samplesPerSecond: epoch.samplesPerSecond,
                    validationLoss: epoch.validation.loss, validationAccuracy: epoch.validation.accuracy,
                    computeSeconds: epoch.meanTiming?.computeSeconds, reduceSeconds: epoch.meanTiming?.reduceSeconds,
                    wallTime: now))
            try self.metrics.flush()

        case .checkpointWritten(let path):
            self.log(.debug, "checkpoint written", [("path", path)])

        case .testFinished(let test):
            try self.metrics.append(
                MetricsRecord(
                    event: .test, phase: self.phaseName, epoch: 0, fractionalEpoch: self.lastRunEpoch, loss: test.loss,
                    accuracy: test.accuracy, wallTime: now))
            try self.metrics.flush()
        }
    }
}
