import ThawCollectives
import ThawTensor

/// What the coordinator and the workers say to each other, one message per frame.
///
/// The frame header carries the run id, the membership generation and the step, so a message
/// from another run or an older membership is rejected before its payload is read.
public enum ClusterMessage: Sendable, Equatable {
    /// Worker to coordinator, first: who it is and where its ring listener is.
    case hello(workerID: Int, ringPort: Int, protocolVersion: Int)
    /// Coordinator to worker: the run (the run file's canonical JSON and fingerprint), the
    /// worker's rank, the ring, and the run id and generation every later frame must carry.
    case welcome(Welcome)
    /// Worker to coordinator: both ring links are up.
    case ringReady
    /// Coordinator to worker: start phase `phase` from these weights and optimizer state.
    case phaseStart(PhaseStartMessage)
    /// Worker to coordinator: the phase's trainable-set digest, for every replica to agree.
    case phaseReady(digest: String)
    /// Coordinator to worker: compute a chunk's outputs of the bottom `layers` layers
    /// (inference mode), for the frozen-base cache.
    case computeFeatures(request: Int, layers: Int, inputs: SampleBatch)
    /// Worker to coordinator: the outputs.
    case features(request: Int, outputs: Tensor)
    /// Coordinator to worker: this worker's micro-shards of one step.
    case stepWork(StepWork)
    /// Worker to coordinator: the step is applied; its figures and the time spent computing
    /// before the reduction (to name stragglers).
    case stepDone(StepDone)
    /// Coordinator to worker: evaluate a chunk in inference mode from layer `fromLayer` up.
    case evaluate(request: Int, fromLayer: Int, inputs: SampleBatch)
    /// Worker to coordinator: the chunk's summed loss and correct count.
    case evaluation(request: Int, lossSum: Double, correct: Int)
    /// Coordinator to worker: send the replica's state (for a checkpoint or the next phase).
    case stateRequest
    /// Worker to coordinator: the whole parameter store and the optimizer state.
    case state(weights: [Float], iterations: Int, velocity: [Float])
    /// Coordinator to worker: the run is over; close and exit.
    case shutdown
    /// Either way: something went wrong; the text says what.
    case failure(String)
}

/// The coordinator's answer to a worker's hello.
public struct Welcome: Sendable, Equatable {
    public var runConfiguration: [UInt8]
    public var fingerprint: String
    public var rank: Int
    public var members: [RingMember]

    public init(runConfiguration: [UInt8], fingerprint: String, rank: Int, members: [RingMember]) {
        self.runConfiguration = runConfiguration
        self.fingerprint = fingerprint
        self.rank = rank
        self.members = members
    }
}

/// The start of a phase, with the state every replica starts it from.
public struct PhaseStartMessage: Sendable, Equatable {
    public var phase: Int
    public var weights: [Float]
    public var iterations: Int
    public var velocity: [Float]

    public init(phase: Int, weights: [Float], iterations: Int, velocity: [Float]) {
        self.phase = phase
        self.weights = weights
        self.iterations = iterations
        self.velocity = velocity
    }
}

/// Inputs of a few samples: raw images (the worker preprocesses them as the run file says) or
/// tensors (cached features).
public enum SampleBatch: Sendable, Equatable {
    /// `count` images of `height x width x channels` bytes each, and their labels.
    case images(pixels: [UInt8], count: Int, height: Int, width: Int, channels: Int, labels: [Int32])
    /// Ready inputs `[count, ...]` and their labels.
    case tensors(Tensor, labels: [Int32])

    public var labels: [Int32] {
        switch self {
        case .images(_, _, _, _, _, let labels), .tensors(_, let labels): return labels
        }
    }
}

/// One micro-shard of a step.
public struct MicroShardWork: Sendable, Equatable {
    /// Its index among the step's micro-shards.
    public var index: Int
    /// The seed of its dropout masks.
    public var seed: UInt64
    public var inputs: SampleBatch

    public init(index: Int, seed: UInt64, inputs: SampleBatch) {
        self.index = index
        self.seed = seed
        self.inputs = inputs
    }
}

/// A worker's share of one step.
public struct StepWork: Sendable, Equatable {
    public var phase: Int
    public var epoch: Int
    public var step: Int
    /// Samples in the whole step (all workers).
    public var globalBatchSize: Int
    /// Micro-shards in the whole step (all workers): the number of terms of the exact sum.
    public var totalMicroShards: Int
    public var microShards: [MicroShardWork]

    public init(
        phase: Int, epoch: Int, step: Int, globalBatchSize: Int, totalMicroShards: Int, microShards: [MicroShardWork]
    ) {
        self.phase = phase
        self.epoch = epoch
        self.step = step
        self.globalBatchSize = globalBatchSize
        self.totalMicroShards = totalMicroShards
        self.microShards = microShards
    }
}

/// A worker's report of one applied step.
public struct StepDone: Sendable, Equatable {
    public var step: Int
    public var lossSum: Double
    public var correct: Int
    public var samples: Int
    /// Seconds spent computing this worker's micro-shards, before the reduction.
    public var computeSeconds: Double
    /// Seconds spent in the two all-reduces.
    public var reduceSeconds: Double

    public init(step: Int, lossSum: Double, correct: Int, samples: Int, computeSeconds: Double, reduceSeconds: Double) {
        self.step = step
        self.lossSum = lossSum
        self.correct = correct
        self.samples = samples
        self.computeSeconds = computeSeconds
        self.reduceSeconds = reduceSeconds
    }
}
