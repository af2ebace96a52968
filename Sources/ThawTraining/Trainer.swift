import Foundation
import ThawData
import ThawLayers
import ThawOptim
import ThawTensor

/// Runs a run file's phases in one process: the reference that distributed runs must match.
///
/// Each step's samples are cut into micro-shards, each micro-shard's contribution is computed by
/// one `MicroShardWorker`, and the contributions are summed exactly, exactly as a cluster of any
/// size would. When a phase's bottom layers are frozen and deterministic, their outputs are
/// computed once per sample and the phase trains on those (the base's features).
public final class Trainer {
    public let configuration: RunConfiguration
    public let model: Model
    public let data: PreparedData
    /// Where checkpoints go; `nil` writes none.
    public let checkpointURL: URL?
    /// Also checkpoint every this many steps inside an epoch (0: at epoch ends only).
    public var checkpointInterval = 0
    /// Stop after this many steps in total (for tests and benchmarks); `nil` runs everything.
    public var stepLimit: Int?
    /// Who computes the steps: this process by default, or the workers of a cluster.
    public let engine: PhaseEngine
    private let report: (TrainingEvent) -> Void

    public init(
        configuration: RunConfiguration,
        model: Model,
        data: PreparedData,
        checkpointURL: URL?,
        engine: PhaseEngine? = nil,
        report: @escaping (TrainingEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.model = model
        self.data = data
        self.checkpointURL = checkpointURL
        self.engine = engine ?? LocalEngine(model: model)
        self.report = report
    }

    /// Trains every phase from `resume` (or from the start) and evaluates on the test split.
    public func run(resumingFrom resume: TrainingCheckpoint? = nil) throws -> Evaluation {
        guard self.data.train.count > 0 else { throw TrainingError.emptySplit("training") }
        if let resume, resume.fingerprint != self.configuration.fingerprint {
            throw TrainingError.checkpointMismatch(
                file: self.checkpointURL?.path ?? "checkpoint", detail: "it was written for another run file")
        }

        var stepsTaken = 0
        for (phaseIndex, phase) in self.configuration.phases.enumerated() {
            if let resume, phaseIndex < resume.phase { continue }
            let resumeHere = resume.flatMap { $0.phase == phaseIndex ? $0 : nil }
            let finished = try self.runPhase(phaseIndex, phase, resume: resumeHere, stepsTaken: &stepsTaken)
            if !finished { break }
        }

        try self.model.setTrainable(.none)
        let test = try self.engine.evaluate(self.data.test, fromLayer: 0, operation: "test evaluation")
        self.report(.testFinished(test))
        return test
    }

    /// Runs one phase; returns false when the step limit stopped it early.
    private func runPhase(
        _ phaseIndex: Int, _ phase: PhaseConfiguration, resume: TrainingCheckpoint?, stepsTaken: inout Int
    ) throws -> Bool {
        try self.model.setTrainable(phase.trainable.selection)
        let layout = self.model.trainableLayout()
        let optimizer = KerasSGD(settings: phase.optimizer.settings, layout: layout)
        if let resume, !resume.trainableDigest.isEmpty {
            guard resume.trainableDigest == layout.digest, resume.velocity.count == layout.count else {
                throw TrainingError.checkpointMismatch(
                    file: self.checkpointURL?.path ?? "checkpoint", detail: "its trainable set differs from the phase's"
                )
            }
            optimizer.restore(iterations: resume.iterations, velocity: resume.velocity)
        }
        try self.engine.startPhase(phaseIndex, layout: layout, optimizer: optimizer)

        // A frozen, deterministic bottom is computed once per sample; the phase trains on its outputs.
        let prefix = self.model.frozenPrefixLength
        let train: SampleSource
        let validation: SampleSource
        if prefix > 0 {
            train = try self.engine.cacheFeatures(of: self.data.train, layers: prefix) {
                self.report(.cachingFeatures(split: "train", done: $0, total: self.data.train.count))
            }
            validation = try self.engine.cacheFeatures(of: self.data.validation, layers: prefix) {
                self.report(.cachingFeatures(split: "validation", done: $0, total: self.data.validation.count))
            }
        } else {
            train = self.data.train
            validation = self.data.validation
        }
        let sampler = RunSchedule.sampler(count: train.count, seed: self.configuration.seed, phase: phaseIndex)
        let stepsPerEpoch = EpochPlan(
            order: Array(0..<train.count), batchSize: self.configuration.batchSize,
            microShardSize: self.configuration.microShardSize
        ).stepCount
        let epochsBefore = RunSchedule.epochsBefore(phase: phaseIndex, of: self.configuration)
        self.report(
            .phaseStarted(
                PhaseStart(
                    index: phaseIndex, name: phase.name, epochs: phase.epochs, stepsPerEpoch: stepsPerEpoch,
                    trainableTensors: layout.slots.count, trainableParameters: layout.count, digest: layout.digest,
                    cachedLayers: prefix, firstEpoch: resume?.epoch ?? 0, firstStep: resume?.step ?? 0,
                    epochsBefore: epochsBefore)))

        var iterations = optimizer.iterations
        for epoch in (resume?.epoch ?? 0)..<phase.epochs {
            let plan = EpochPlan(
                order: sampler.order(epoch: epoch), batchSize: self.configuration.batchSize,
                microShardSize: self.configuration.microShardSize)
            self.report(
                .epochStarted(phase: phaseIndex, epoch: epoch, epochs: phase.epochs, stepsPerEpoch: plan.stepCount))
            let started = Date()
            var totals = StepOutcome(lossSum: 0, correct: 0, samples: 0)
            var timed = (steps: 0, compute: 0.0, reduce: 0.0)
            let firstStep = resume.flatMap { $0.epoch == epoch ? $0.step : nil } ?? 0

            for step in firstStep..<plan.stepCount {
                if let limit = self.stepLimit, stepsTaken >= limit { return false }
                let assignment = self.assignment(phase: phaseIndex, epoch: epoch, step: step, plan: plan)
                // The next step may be sent ahead unless something must see exactly this step's state
                // first: a checkpoint, the end of the epoch, or the step limit.
                let interval = self.checkpointInterval
                let checkpointFollows = interval > 0 && (step + 1) % interval == 0
                let limitFollows = self.stepLimit.map { stepsTaken + 1 >= $0 } ?? false
                let next =
                    step + 1 < plan.stepCount && !checkpointFollows && !limitFollows
                    ? self.assignment(phase: phaseIndex, epoch: epoch, step: step + 1, plan: plan) : nil
                let learningRate = optimizer.learningRate(at: iterations)
                let outcome: StepOutcome
                do {
                    outcome = try self.engine.step(assignment, next: next, source: train)
                } catch let error as ReductionError {
                    throw TrainingError.diverged(phase: phase.name, epoch: epoch, step: step, detail: error.description)
                }
                iterations += 1
                totals.lossSum += outcome.lossSum
                totals.correct += outcome.correct
                totals.samples += outcome.samples
                if let timing = outcome.timing {
                    timed.steps += 1
                    timed.compute += timing.computeSeconds
                    timed.reduce += timing.reduceSeconds
                }
                stepsTaken += 1

                let elapsed = max(Date().timeIntervalSince(started), 1e-9)
                self.report(
                    .stepFinished(
                        StepReport(
                            phase: phaseIndex, phaseName: phase.name, epoch: epoch, step: step,
                            stepsPerEpoch: plan.stepCount, samples: totals.samples, loss: totals.meanLoss,
                            accuracy: totals.accuracy, samplesPerSecond: Double(totals.samples) / elapsed,
                            learningRate: Double(learningRate),
                            runEpoch: Double(epochsBefore + epoch) + Double(step + 1) / Double(plan.stepCount),
                            timing: outcome.timing)))

                if self.checkpointInterval > 0, (step + 1) % self.checkpointInterval == 0, step + 1 < plan.stepCount {
                    try self.checkpoint(phase: phaseIndex, epoch: epoch, step: step + 1, optimizer: optimizer)
                }
            }

            let seconds = Date().timeIntervalSince(started)
            let validated = try self.engine.evaluate(validation, fromLayer: prefix, operation: "validation")
            self.report(
                .epochFinished(
                    EpochReport(
                        phase: phaseIndex, phaseName: phase.name, epoch: epoch, epochs: phase.epochs,
                        samples: totals.samples, loss: totals.meanLoss, accuracy: totals.accuracy,
                        validation: validated, seconds: seconds,
                        samplesPerSecond: Double(totals.samples) / max(seconds, 1e-9),
                        runEpoch: Double(epochsBefore + epoch + 1),
                        meanTiming: timed.steps == 0
                            ? nil
                            : StepTiming(
                                computeSeconds: timed.compute / Double(timed.steps),
                                reduceSeconds: timed.reduce / Double(timed.steps)))))
            if epoch + 1 < phase.epochs {
                try self.checkpoint(phase: phaseIndex, epoch: epoch + 1, step: 0, optimizer: optimizer)
            } else {
                try self.checkpoint(
                    phase: phaseIndex + 1, epoch: 0, step: 0, optimizer: optimizer, startsNewPhase: true)
            }
        }
        return true
    }

    /// Step `step` of an epoch: its micro-shards and their dropout seeds.
    private func assignment(phase: Int, epoch: Int, step: Int, plan: EpochPlan) -> StepAssignment {
        let shards = plan.microShards(ofStep: step)
        return StepAssignment(
            phase: phase, epoch: epoch, step: step, globalBatchSize: plan.samples(ofStep: step).count,
            microShards: shards,
            seeds: shards.indices.map {
                RunSchedule.microShardSeed(
                    seed: self.configuration.seed, phase: phase, epoch: epoch, step: step, microShard: $0)
            })
    }

    /// Brings the model and optimizer up to date with the replicas, then saves the cursor
    /// `(phase, epoch, step)`. A cursor that `startsNewPhase` saves no optimizer state: the next
    /// phase begins with a fresh optimizer.
    private func checkpoint(
        phase: Int, epoch: Int, step: Int, optimizer: KerasSGD, startsNewPhase: Bool = false
    ) throws {
        try self.engine.synchronize(optimizer: optimizer)
        guard let url = self.checkpointURL else { return }
        let checkpoint = TrainingCheckpoint(
            phase: phase, epoch: epoch, step: step, iterations: startsNewPhase ? 0 : optimizer.iterations,
            velocity: startsNewPhase ? [] : optimizer.velocity, fingerprint: self.configuration.fingerprint,
            trainableDigest: startsNewPhase ? "" : optimizer.layout.digest)
        try checkpoint.save(model: self.model, to: url)
        self.report(.checkpointWritten(path: url.path))
    }
}

extension OptimizerConfiguration {
    /// The optimizer settings in the optimizer's own type.
    public var settings: SGDSettings {
        SGDSettings(
            learningRate: Float(self.learningRate), momentum: Float(self.momentum), decay: Float(self.decay),
            nesterov: self.nesterov)
    }
}
