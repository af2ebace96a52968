import Foundation
import ThawData
import ThawLayers
import ThawOptim
import ThawTensor
import ThawTraining

/// The coordinator carries out the trainer's loop on its workers: the same steps, chunks and
/// checkpoints as in one process, with the arithmetic done by the replicas.
extension CoordinatorRole: PhaseEngine {
    public func startPhase(_ index: Int, layout: TrainableLayout, optimizer: KerasSGD) throws {
        // Every replica starts the phase from the coordinator's weights and must agree on the trainable set.
        let start = PhaseStartMessage(
            phase: index, weights: self.model.store.snapshot(), iterations: optimizer.iterations,
            velocity: optimizer.velocity)
        for link in self.links { try link.send(.phaseStart(start), timeout: self.options.answerTimeout) }
        let digests = try self.collect(operation: "the start of phase \(index + 1)", step: 0) { message -> String? in
            if case .phaseReady(let digest) = message { return digest }
            return nil
        }
        for (rank, digest) in digests.enumerated() where digest != layout.digest {
            throw ClusterError.replicasDisagree(
                "worker \(self.workerIDs[rank]) trains the set \(digest) in phase \(index + 1), the coordinator \(layout.digest)"
            )
        }
    }

    public func cacheFeatures(of source: SampleSource, layers: Int, progress: (Int) -> Void) throws -> TensorSamples {
        let chunks = Self.chunks(of: source.count)
        for (index, chunk) in chunks.enumerated() {
            try self.links[index % self.links.count].send(
                .computeFeatures(request: index, layers: layers, inputs: try Self.batch(source, chunk)),
                timeout: self.options.answerTimeout)
        }
        var features: [Float] = []
        var shape: [Int] = []
        var labels: [Int32] = []
        for (index, chunk) in chunks.enumerated() {
            let link = self.links[index % self.links.count]
            let message = try link.receive(timeout: self.options.answerTimeout, operation: "features of chunk \(index)")
                .message
            guard case .features(let request, let outputs) = message, request == index,
                outputs.shape.first == chunk.count
            else {
                throw ClusterError.unexpectedMessage(
                    peer: link.peer, expected: "features of chunk \(index)", received: message.name)
            }
            shape = Array(outputs.shape.dropFirst())
            features += outputs.scalars
            labels += Self.batchLabels(source, chunk)
            progress(labels.count)
        }
        return TensorSamples(inputs: Tensor(shape: [labels.count] + shape, scalars: features), labels: labels)
    }

    /// Sends each worker its micro-shards (micro-shard `i` goes to rank `i mod workers`), and the
    /// next step's ahead when there is one, so workers never wait for data; then checks that every
    /// replica applied the same step.
    public func step(_ assignment: StepAssignment, next: StepAssignment?, source: SampleSource) throws -> StepOutcome {
        if self.sentAhead != assignment.step {
            try self.send(assignment, source: source)
        }
        self.sentAhead = nil
        if let next {
            try self.send(next, source: source)
            self.sentAhead = next.step
        }

        let operation = "step \(assignment.step + 1) of epoch \(assignment.epoch + 1)"
        let reports = try self.collect(operation: operation, step: assignment.step) { message -> StepDone? in
            if case .stepDone(let done) = message, done.step == assignment.step { return done }
            return nil
        }
        let first = reports[0]
        for (rank, other) in reports.enumerated() where other.lossSum != first.lossSum || other.correct != first.correct
        {
            throw ClusterError.replicasDisagree(
                "at \(operation) worker \(self.workerIDs[rank]) reports loss \(other.lossSum), worker "
                    + "\(self.workerIDs[0]) \(first.lossSum)")
        }
        self.stragglers.record(reports.map(\.computeSeconds))
        if assignment.step + 1 == self.stepsPerEpoch(of: source) { self.logStragglers(epoch: assignment.epoch) }
        return StepOutcome(
            lossSum: first.lossSum, correct: first.correct, samples: first.samples,
            timing: StepTiming.slowest(compute: reports.map(\.computeSeconds), reduce: reports.map(\.reduceSeconds)))
    }

    private func send(_ assignment: StepAssignment, source: SampleSource) throws {
        for (rank, link) in self.links.enumerated() {
            let mine = try assignment.microShards.indices.filter { $0 % self.links.count == rank }.map { index in
                MicroShardWork(
                    index: index, seed: assignment.seeds[index],
                    inputs: try Self.batch(source, assignment.microShards[index]))
            }
            let work = StepWork(
                phase: assignment.phase, epoch: assignment.epoch, step: assignment.step,
                globalBatchSize: assignment.globalBatchSize, totalMicroShards: assignment.microShards.count,
                microShards: mine)
            try link.send(.stepWork(work), step: assignment.step, timeout: self.options.answerTimeout)
        }
    }

    /// Loss and accuracy over a split, chunk by chunk on the workers, summed in chunk order
    /// exactly as `Evaluator` does in one process.
    public func evaluate(_ source: SampleSource, fromLayer: Int, operation: String) throws -> Evaluation {
        let chunks = Self.chunks(of: source.count)
        for (index, chunk) in chunks.enumerated() {
            try self.links[index % self.links.count].send(
                .evaluate(request: index, fromLayer: fromLayer, inputs: try Self.batch(source, chunk)),
                timeout: self.options.answerTimeout)
        }
        var lossSum = 0.0
        var correct = 0
        for index in chunks.indices {
            let link = self.links[index % self.links.count]
            let message = try link.receive(timeout: self.options.answerTimeout, operation: operation).message
            guard case .evaluation(let request, let chunkLoss, let chunkCorrect) = message, request == index else {
                throw ClusterError.unexpectedMessage(
                    peer: link.peer, expected: "\(operation) of chunk \(index)", received: message.name)
            }
            lossSum += chunkLoss
            correct += chunkCorrect
        }
        let samples = max(1, source.count)
        return Evaluation(
            loss: lossSum / Double(samples), accuracy: Double(correct) / Double(samples), samples: source.count)
    }

    /// Fetches rank 0's weights and optimizer state (every replica holds the same).
    public func synchronize(optimizer: KerasSGD) throws {
        try self.links[0].send(.stateRequest, timeout: self.options.answerTimeout)
        let message = try self.links[0].receive(timeout: self.options.answerTimeout, operation: "the replica's state")
            .message
        guard case .state(let weights, let iterations, let velocity) = message, weights.count == self.model.store.count,
            velocity.count == optimizer.layout.count
        else {
            throw ClusterError.unexpectedMessage(peer: self.links[0].peer, expected: "state", received: message.name)
        }
        self.model.store.restore(weights)
        optimizer.restore(iterations: iterations, velocity: velocity)
    }

    // MARK: Helpers

    private static func chunks(of count: Int) -> [[Int]] {
        stride(from: 0, to: count, by: Evaluator.chunkSize).map { Array($0..<min($0 + Evaluator.chunkSize, count)) }
    }

    /// The samples at `indices` as they travel: the raw bytes of images (the worker preprocesses
    /// them as the run file says), or tensors (cached features).
    private static func batch(_ source: SampleSource, _ indices: [Int]) throws -> SampleBatch {
        switch source {
        case let split as PreprocessedImages:
            let subset = split.images.subset(indices)
            return .images(
                pixels: subset.pixels, count: subset.count, height: subset.height, width: subset.width,
                channels: subset.channels, labels: subset.labels)
        case let features as TensorSamples:
            let batch = features.batch(indices)
            return .tensors(batch.inputs, labels: batch.labels)
        default:
            throw ClusterError.malformedMessage("samples of a kind the workers cannot receive")
        }
    }

    private static func batchLabels(_ source: SampleSource, _ indices: [Int]) -> [Int32] {
        switch source {
        case let split as PreprocessedImages: return indices.map { split.images.labels[$0] }
        case let features as TensorSamples: return indices.map { features.labels[$0] }
        default: return source.batch(indices).labels
        }
    }

    private func stepsPerEpoch(of source: SampleSource) -> Int {
        (source.count + self.configuration.batchSize - 1) / self.configuration.batchSize
    }

    private func logStragglers(epoch: Int) {
        for straggler in self.stragglers.epochEnded() {
            self.log(
                .warning, "straggler",
                [
                    ("worker", String(self.workerIDs[straggler.rank])), ("epoch", String(epoch + 1)),
                    ("slow_steps", "\(straggler.slowSteps)/\(straggler.steps)"),
                    ("compute_seconds", String(format: "%.3f", straggler.meanComputeSeconds)),
                    ("others_seconds", String(format: "%.3f", straggler.meanOthersSeconds)),
                ])
        }
    }
}
