import Foundation
import ThawCollectives
import ThawData
import ThawLayers
import ThawOptim
import ThawTensor
import ThawTraining

/// A worker's model replica and what it does with it: the same micro-shard computation, exact
/// reduction and step as the one-process trainer, with the sums taken around the ring.
final class Replica {
    let rank: Int
    let configuration: RunConfiguration
    let model: Model
    private let collectives: RingAllReduce
    private let runID: UInt64
    private let preprocessing: ImagePreprocessing
    private var optimizer: KerasSGD?
    private var worker: MicroShardWorker?
    private var reduction: ExactReduction?
    private var phase = 0

    init(configuration: RunConfiguration, rank: Int, collectives: RingAllReduce, runID: UInt64) throws {
        self.rank = rank
        self.configuration = configuration
        self.model = try ModelFactory.makeModel(configuration, loadingWeights: false)
        self.collectives = collectives
        self.runID = runID
        self.preprocessing = ImagePreprocessing(
            height: configuration.data.imageSize, width: configuration.data.imageSize)
    }

    /// Takes the phase's weights and optimizer state; returns the trainable-set digest.
    func startPhase(_ start: PhaseStartMessage) throws -> String {
        guard start.phase < self.configuration.phases.count, start.weights.count == self.model.store.count else {
            throw ClusterError.malformedMessage(
                "phase \(start.phase) with \(start.weights.count) weights for a model of \(self.model.store.count)")
        }
        self.model.store.restore(start.weights)
        let phase = self.configuration.phases[start.phase]
        try self.model.setTrainable(phase.trainable.selection)
        let layout = self.model.trainableLayout()
        let optimizer = KerasSGD(settings: phase.optimizer.settings, layout: layout)
        if !start.velocity.isEmpty {
            guard start.velocity.count == layout.count else {
                throw ClusterError.replicasDisagree(
                    "a velocity of \(start.velocity.count) for \(layout.count) trainable values")
            }
            optimizer.restore(iterations: start.iterations, velocity: start.velocity)
        }
        let worker = MicroShardWorker(model: self.model, layout: layout, startLayer: self.model.frozenPrefixLength)
        self.optimizer = optimizer
        self.worker = worker
        self.reduction = ExactReduction(vector: worker.vector)
        self.phase = start.phase
        return layout.digest
    }

    /// The inputs of a batch as the network takes them.
    private func tensor(_ batch: SampleBatch) -> (Tensor, [Int32]) {
        switch batch {
        case .tensors(let tensor, let labels):
            return (tensor, labels)
        case .images(let pixels, let count, let height, let width, let channels, let labels):
            let images = LabeledImages(
                height: height, width: width, channels: channels, pixels: pixels, labels: labels, classNames: [])
            let batch = makeBatch(from: images, indices: Array(0..<count), preprocessing: self.preprocessing)
            return (batch.images, batch.labels)
        }
    }

    func features(layers: Int, inputs: SampleBatch) throws -> Tensor {
        guard (1...self.model.network.layers.count).contains(layers) else {
            throw ClusterError.malformedMessage("features of \(layers) layers")
        }
        let prefix = Sequential(name: "prefix", layers: Array(self.model.network.layers[..<layers]))
        return prefix.forward(self.tensor(inputs).0, context: ForwardContext(isTraining: false))
    }

    func step(_ work: StepWork) throws -> StepDone {
        guard let worker = self.worker, let reduction = self.reduction, let optimizer = self.optimizer,
            work.phase == self.phase
        else {
            throw ClusterError.malformedMessage("step work for phase \(work.phase) before it started")
        }

        let started = Date()
        let contributions = work.microShards.map { shard in
            let (inputs, labels) = self.tensor(shard.inputs)
            return worker.contribution(
                inputs: inputs, labels: labels, globalBatchSize: work.globalBatchSize, randomSeed: shard.seed)
        }
        let computeSeconds = Date().timeIntervalSince(started)

        // The same exact sum as in one process, with the maxima and the integers summed around the ring.
        let reduceStarted = Date()
        let scope = CollectiveScope(runID: self.runID, generation: 1, step: UInt64(work.step))
        let maxima = try self.collectives.allReduce(
            reduction.localMaxima(contributions), operation: .maximum, scope: scope)
        let exponents: [Int]
        do {
            exponents = try reduction.exponents(globalMaxima: maxima, terms: work.totalMicroShards)
        } catch {
            throw ClusterError.workerFailed(
                worker: self.rank, step: work.step, operation: "the exact sum", cause: "\(error)")
        }
        // Each piece of the total is turned into floats by the rank that completes it, so the ring's second
        // half moves floats rather than 64-bit sums.
        let total = try self.collectives.allReduce(
            reduction.accumulate(contributions, exponents: exponents), operation: .wrappingSum, scope: scope
        ) { sums, range, values in
            reduction.finish(sums, at: range, exponents: exponents, into: values)
        }
        let outcome = worker.vector.apply(total, to: self.model, optimizer: optimizer)

        return StepDone(
            step: work.step, lossSum: outcome.lossSum, correct: outcome.correct, samples: outcome.samples,
            computeSeconds: computeSeconds, reduceSeconds: Date().timeIntervalSince(reduceStarted))
    }

    func evaluate(fromLayer: Int, inputs: SampleBatch) -> (Double, Int) {
        let (tensor, labels) = self.tensor(inputs)
        let logits = self.model.network(from: fromLayer).forward(tensor, context: ForwardContext(isTraining: false))
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, scale: 1)
        return (result.lossSum, result.correct)
    }

    func state() -> (weights: [Float], iterations: Int, velocity: [Float]) {
        (self.model.store.snapshot(), self.optimizer?.iterations ?? 0, self.optimizer?.velocity ?? [])
    }
}
