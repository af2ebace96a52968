import Foundation
import ThawData
import ThawLayers
import ThawOptim
import ThawTensor
import ThawTraining

/// Where a phase's inputs come from: the split's images, or the cached outputs of its frozen bottom.
enum InputSource {
    case images(PreprocessedImages)
    case features(TensorSamples)

    var count: Int {
        switch self {
        case .images(let images): return images.count
        case .features(let features): return features.count
        }
    }

    /// The samples at `indices` as they travel: raw bytes for images, tensors for features.
    func batch(_ indices: [Int]) -> SampleBatch {
        switch self {
        case .images(let split):
            let subset = split.images.subset(indices)
            return .images(
                pixels: subset.pixels, count: subset.count, height: subset.height, width: subset.width,
                channels: subset.channels, labels: subset.labels)
        case .features(let features):
            let batch = features.batch(indices)
            return .tensors(batch.inputs, labels: batch.labels)
        }
    }
}

extension CoordinatorRole {
    /// Runs one phase across the workers; returns false when the step limit stopped it early.
    func runPhase(_ phaseIndex: Int, _ phase: PhaseConfiguration, resume: TrainingCheckpoint?, stepsTaken: inout Int)
        throws -> Bool
    {
        try self.model.setTrainable(phase.trainable.selection)
        let layout = self.model.trainableLayout()
        self.iterations = 0
        self.velocity = []
        if let resume, !resume.trainableDigest.isEmpty {
            guard resume.trainableDigest == layout.digest, resume.velocity.count == layout.count else {
                throw TrainingError.checkpointMismatch(
                    file: self.options.checkpointURL?.path ?? "checkpoint",
                    detail: "its trainable set differs from the phase's")
            }
            self.iterations = resume.iterations
            self.velocity = resume.velocity
        }

        // Every replica starts the phase from the coordinator's weights and must agree on the trainable set.
        let start = PhaseStartMessage(
            phase: phaseIndex, weights: self.model.store.snapshot(), iterations: self.iterations,
            velocity: self.velocity)
        try self.broadcast(.phaseStart(start))
        let digests = try self.collect(operation: "phase \(phase.name) start", step: 0) { message -> String? in
            if case .phaseReady(let digest) = message { return digest }
            return nil
        }
        for (rank, digest) in digests.enumerated() where digest != layout.digest {
            throw ClusterError.replicasDisagree(
                "worker \(self.workerIDs[rank]) trains set \(digest) in phase \(phase.name), the coordinator \(layout.digest)"
            )
        }

        let prefix = self.model.frozenPrefixLength
        let train: InputSource
        let validation: InputSource
        if prefix > 0 {
            train = .features(try self.cacheFeatures(of: self.data.train, layers: prefix, split: "train"))
            validation = .features(
                try self.cacheFeatures(of: self.data.validation, layers: prefix, split: "validation"))
        } else {
            train = .images(self.data.train)
            validation = .images(self.data.validation)
        }

        let sampler = RunSchedule.sampler(count: train.count, seed: self.configuration.seed, phase: phaseIndex)
        let optimizer = KerasSGD(settings: phase.optimizer.settings, layout: layout)
        let epochsBefore = RunSchedule.epochsBefore(phase: phaseIndex, of: self.configuration)
        let stepsPerEpoch = (train.count + self.configuration.batchSize - 1) / self.configuration.batchSize
        self.report(
            .phaseStarted(
                PhaseStart(
                    index: phaseIndex, name: phase.name, epochs: phase.epochs, stepsPerEpoch: stepsPerEpoch,
                    trainableTensors: layout.slots.count, trainableParameters: layout.count, digest: layout.digest,
                    cachedLayers: prefix, firstEpoch: resume?.epoch ?? 0, firstStep: resume?.step ?? 0,
                    epochsBefore: epochsBefore)))

        for epoch in (resume?.epoch ?? 0)..<phase.epochs {
            let plan = EpochPlan(
                order: sampler.order(epoch: epoch), batchSize: self.configuration.batchSize,
                microShardSize: self.configuration.microShardSize)
            self.report(
                .epochStarted(phase: phaseIndex, epoch: epoch, epochs: phase.epochs, stepsPerEpoch: plan.stepCount))
            let started = Date()
            var totals = StepOutcome(lossSum: 0, correct: 0, samples: 0)
            let firstStep = resume.flatMap { $0.epoch == epoch ? $0.step : nil } ?? 0

            for step in firstStep..<plan.stepCount {
                if let limit = self.options.stepLimit, stepsTaken >= limit { return false }
                let learningRate = optimizer.learningRate(at: self.iterations)
                let outcome = try self.runStep(
                    phase: phaseIndex, epoch: epoch, step: step, plan: plan, source: train)
                self.iterations += 1
                totals.lossSum += outcome.lossSum
                totals.correct += outcome.correct
                totals.samples += outcome.samples
                stepsTaken += 1

                let elapsed = max(Date().timeIntervalSince(started), 1e-9)
                self.report(
                    .stepFinished(
                        StepReport(
                            phase: phaseIndex, phaseName: phase.name, epoch: epoch, step: step,
                            stepsPerEpoch: plan.stepCount, samples: totals.samples, loss: totals.meanLoss,
                            accuracy: totals.accuracy, samplesPerSecond: Double(totals.samples) / elapsed,
                            learningRate: Double(learningRate),
                            runEpoch: Double(epochsBefore + epoch) + Double(step + 1) / Double(plan.stepCount))))

                let interval = self.options.checkpointInterval
                if interval > 0, (step + 1) % interval == 0, step + 1 < plan.stepCount {
                    try self.checkpoint(phase: phaseIndex, epoch: epoch, step: step + 1, digest: layout.digest)
                }
            }

            let seconds = Date().timeIntervalSince(started)
            for straggler in self.stragglers.epochEnded() {
                self.log(
                    .warning, "straggler",
                    [
                        ("worker", String(self.workerIDs[straggler.rank])), ("phase", phase.name),
                        ("epoch", String(epoch + 1)), ("slow_steps", "\(straggler.slowSteps)/\(straggler.steps)"),
                        ("compute_seconds", String(format: "%.3f", straggler.meanComputeSeconds)),
                        ("others_seconds", String(format: "%.3f", straggler.meanOthersSeconds)),
                    ])
            }
            let validated = try self.evaluate(source: validation, fromLayer: prefix, operation: "validation")
            self.report(
                .epochFinished(
                    EpochReport(
                        phase: phaseIndex, phaseName: phase.name, epoch: epoch, epochs: phase.epochs,
                        samples: totals.samples, loss: totals.meanLoss, accuracy: totals.accuracy,
                        validation: validated, seconds: seconds,
                        samplesPerSecond: Double(totals.samples) / max(seconds, 1e-9),
                        runEpoch: Double(epochsBefore + epoch + 1))))
            if epoch + 1 < phase.epochs {
                try self.checkpoint(phase: phaseIndex, epoch: epoch + 1, step: 0, digest: layout.digest)
            } else {
                try self.checkpoint(phase: phaseIndex + 1, epoch: 0, step: 0, digest: nil)
            }
        }
        return true
    }

    /// Sends each worker its micro-shards of one step (micro-shard `i` goes to rank `i mod workers`)
    /// and checks that every replica applied the same step.
    private func runStep(phase: Int, epoch: Int, step: Int, plan: EpochPlan, source: InputSource) throws -> StepOutcome
    {
        let shards = plan.microShards(ofStep: step)
        let batchSize = plan.samples(ofStep: step).count
        for (rank, link) in self.links.enumerated() {
            let mine = shards.indices.filter { $0 % self.links.count == rank }.map { index in
                MicroShardWork(
                    index: index,
                    seed: RunSchedule.microShardSeed(
                        seed: self.configuration.seed, phase: phase, epoch: epoch, step: step, microShard: index),
                    inputs: source.batch(shards[index]))
            }
            let work = StepWork(
                phase: phase, epoch: epoch, step: step, globalBatchSize: batchSize, totalMicroShards: shards.count,
                microShards: mine)
            try link.send(.stepWork(work), step: step, timeout: self.options.answerTimeout)
        }

        let reports = try self.collect(operation: "step \(step + 1) of epoch \(epoch + 1)", step: step) {
            message -> StepDone? in
            if case .stepDone(let done) = message { return done }
            return nil
        }
        let first = reports[0]
        for (rank, other) in reports.enumerated()
        where other.lossSum != first.lossSum || other.correct != first.correct || other.step != step {
            throw ClusterError.replicasDisagree(
                "at step \(step) worker \(self.workerIDs[rank]) reports loss \(other.lossSum), worker "
                    + "\(self.workerIDs[0]) \(first.lossSum)")
        }
        self.stragglers.record(reports.map(\.computeSeconds))
        return StepOutcome(lossSum: first.lossSum, correct: first.correct, samples: first.samples)
    }

    /// The outputs of the bottom `layers` layers for every sample of `split`, computed by the
    /// workers in the same fixed chunks as the one-process trainer, collected in order.
    private func cacheFeatures(of split: PreprocessedImages, layers: Int, split name: String) throws -> TensorSamples {
        let source = InputSource.images(split)
        let chunks = stride(from: 0, to: split.count, by: Evaluator.chunkSize).map {
            Array($0..<min($0 + Evaluator.chunkSize, split.count))
        }
        for (index, chunk) in chunks.enumerated() {
            let link = self.links[index % self.links.count]
            try link.send(
                .computeFeatures(request: index, layers: layers, inputs: source.batch(chunk)),
                timeout: self.options.answerTimeout)
        }
        var features: [Float] = []
        var shape: [Int] = []
        var done = 0
        for (index, chunk) in chunks.enumerated() {
            let rank = index % self.links.count
            let message = try self.links[rank].receive(
                timeout: self.options.answerTimeout, operation: "\(name) features"
            ).message
            guard case .features(let request, let outputs) = message, request == index,
                outputs.shape.first == chunk.count
            else {
                throw ClusterError.unexpectedMessage(
                    peer: self.links[rank].peer, expected: "features of chunk \(index)", received: message.name)
            }
            shape = Array(outputs.shape.dropFirst())
            features += outputs.scalars
            done += chunk.count
            self.report(.cachingFeatures(split: name, done: done, total: split.count))
        }
        return TensorSamples(
            inputs: Tensor(shape: [split.count] + shape, scalars: features), labels: split.images.labels)
    }

    /// Loss and accuracy over a split, chunk by chunk on the workers, summed in chunk order
    /// exactly as `Evaluator` does in one process.
    func evaluate(source: InputSource, fromLayer: Int, operation: String) throws -> Evaluation {
        let count = source.count
        let chunks = stride(from: 0, to: count, by: Evaluator.chunkSize).map {
            Array($0..<min($0 + Evaluator.chunkSize, count))
        }
        for (index, chunk) in chunks.enumerated() {
            try self.links[index % self.links.count].send(
                .evaluate(request: index, fromLayer: fromLayer, inputs: source.batch(chunk)),
                timeout: self.options.answerTimeout)
        }
        var lossSum = 0.0
        var correct = 0
        for index in chunks.indices {
            let link = self.links[index % self.links.count]
            let message = try link.receive(timeout: self.options.answerTimeout, operation: operation).message
            guard case .evaluation(let request, let chunkLoss, let chunkCorrect) = message, request == index else {
                throw ClusterError.unexpectedMessage(
                    peer: link.peer, expected: "evaluation of chunk \(index)", received: message.name)
            }
            lossSum += chunkLoss
            correct += chunkCorrect
        }
        let samples = max(1, count)
        return Evaluation(loss: lossSum / Double(samples), accuracy: Double(correct) / Double(samples), samples: count)
    }

    /// Fetches rank 0's state into the coordinator's model and writes a checkpoint at the cursor.
    /// Without a digest the cursor is the start of the next phase (a fresh optimizer).
    private func checkpoint(phase: Int, epoch: Int, step: Int, digest: String?) throws {
        try self.links[0].send(.stateRequest, timeout: self.options.answerTimeout)
        let message = try self.links[0].receive(timeout: self.options.answerTimeout, operation: "the replica's state")
            .message
        guard case .state(let weights, let iterations, let velocity) = message, weights.count == self.model.store.count
        else {
            throw ClusterError.unexpectedMessage(peer: self.links[0].peer, expected: "state", received: message.name)
        }
        self.model.store.restore(weights)
        self.iterations = iterations
        self.velocity = velocity

        guard let url = self.options.checkpointURL else { return }
        let checkpoint = TrainingCheckpoint(
            phase: phase, epoch: epoch, step: step, iterations: digest == nil ? 0 : iterations,
            velocity: digest == nil ? [] : velocity, fingerprint: self.configuration.fingerprint,
            trainableDigest: digest ?? "")
        try checkpoint.save(model: self.model, to: url)
        self.report(.checkpointWritten(path: url.path))
    }

    private func broadcast(_ message: ClusterMessage) throws {
        for link in self.links { try link.send(message, timeout: self.options.answerTimeout) }
    }
}
