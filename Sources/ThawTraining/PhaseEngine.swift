import Foundation
import ThawLayers
import ThawOptim

/// One step's work: its micro-shards (sample indices) and each micro-shard's dropout seed.
public struct StepAssignment: Sendable {
    public var phase: Int
    public var epoch: Int
    public var step: Int
    /// Samples in the whole step.
    public var globalBatchSize: Int
    public var microShards: [[Int]]
    public var seeds: [UInt64]
}

/// How a run's work is carried out: in this process (`LocalEngine`) or by workers (the
/// coordinator's engine). `Trainer` drives either through the same loop, so a run ends with the
/// same bits whichever engine computed it.
public protocol PhaseEngine: AnyObject {
    /// Starts a phase from the model's current weights (its trainable flags already set) and
    /// `optimizer`'s state.
    func startPhase(_ index: Int, layout: TrainableLayout, optimizer: KerasSGD) throws

    /// The outputs of the model's bottom `layers` layers for every sample of `source`, computed in
    /// inference mode in `Evaluator.chunkSize` chunks of consecutive samples.
    func cacheFeatures(of source: SampleSource, layers: Int, progress: (Int) -> Void) throws -> TensorSamples

    /// Runs one step on inputs from `source` and applies it; returns the step's figures.
    ///
    /// `next`, when given, is the step that will follow with nothing in between, so an engine may
    /// send its inputs ahead while this step computes; the following call then names it again.
    func step(_ assignment: StepAssignment, next: StepAssignment?, source: SampleSource) throws -> StepOutcome

    /// Loss and accuracy over `source` from layer `fromLayer` up, in inference mode.
    func evaluate(_ source: SampleSource, fromLayer: Int, operation: String) throws -> Evaluation

    /// Brings the model's weights and `optimizer`'s state up to date with the replicas that
    /// stepped, before a checkpoint or a phase change.
    func synchronize(optimizer: KerasSGD) throws
}

/// Computes everything in this process: each micro-shard by one `MicroShardWorker`, the exact sum
/// locally, the step applied to the one model.
public final class LocalEngine: PhaseEngine {
    public let model: Model
    private var worker: MicroShardWorker?
    private var reduction: ExactReduction?
    private var optimizer: KerasSGD?

    public init(model: Model) {
        self.model = model
    }

    public func startPhase(_ index: Int, layout: TrainableLayout, optimizer: KerasSGD) throws {
        let worker = MicroShardWorker(model: self.model, layout: layout, startLayer: self.model.frozenPrefixLength)
        self.worker = worker
        self.reduction = ExactReduction(vector: worker.vector)
        self.optimizer = optimizer
    }

    public func cacheFeatures(of source: SampleSource, layers: Int, progress: (Int) -> Void) throws -> TensorSamples {
        Evaluator.cacheFeatures(of: self.model, prefixLength: layers, source: source, progress: progress)
    }

    public func step(_ assignment: StepAssignment, next: StepAssignment?, source: SampleSource) throws -> StepOutcome {
        guard let worker = self.worker, let reduction = self.reduction, let optimizer = self.optimizer else {
            preconditionFailure("a step before the phase started")
        }
        let started = Date()
        let contributions = zip(assignment.microShards, assignment.seeds).map { shard, seed in
            let (inputs, labels) = source.batch(shard)
            return worker.contribution(
                inputs: inputs, labels: labels, globalBatchSize: assignment.globalBatchSize, randomSeed: seed)
        }
        let computed = Date()
        var outcome = worker.vector.apply(try reduction.sum(contributions), to: self.model, optimizer: optimizer)
        outcome.timing = StepTiming(
            computeSeconds: computed.timeIntervalSince(started), reduceSeconds: Date().timeIntervalSince(computed))
        return outcome
    }

    public func evaluate(_ source: SampleSource, fromLayer: Int, operation: String) throws -> Evaluation {
        Evaluator.evaluate(self.model.network(from: fromLayer), on: source)
    }

    public func synchronize(optimizer: KerasSGD) throws {}
}
