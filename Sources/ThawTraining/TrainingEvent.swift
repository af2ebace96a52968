/// What a training run reports as it goes; the command line turns these into a progress bar,
/// metrics lines and a plot.
public enum TrainingEvent {
    /// A phase begins. `cachedLayers` bottom layers are frozen and computed once per sample.
    case phaseStarted(PhaseStart)
    /// Progress of computing the frozen bottom's outputs for a split.
    case cachingFeatures(split: String, done: Int, total: Int)
    /// An epoch begins.
    case epochStarted(phase: Int, epoch: Int, epochs: Int, stepsPerEpoch: Int)
    /// One optimizer step finished.
    case stepFinished(StepReport)
    /// An epoch finished and was validated.
    case epochFinished(EpochReport)
    /// A checkpoint was written.
    case checkpointWritten(path: String)
    /// The final test evaluation.
    case testFinished(Evaluation)
}

/// The start of a phase.
public struct PhaseStart: Sendable {
    public var index: Int
    public var name: String
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var trainableTensors: Int
    public var trainableParameters: Int
    public var digest: String
    public var cachedLayers: Int
    public var firstEpoch: Int
    public var firstStep: Int
    /// Epochs of the earlier phases: where this phase starts on the run's epoch axis.
    public var epochsBefore: Int

    public init(
        index: Int, name: String, epochs: Int, stepsPerEpoch: Int, trainableTensors: Int, trainableParameters: Int,
        digest: String, cachedLayers: Int, firstEpoch: Int, firstStep: Int, epochsBefore: Int
    ) {
        self.index = index
        self.name = name
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.trainableTensors = trainableTensors
        self.trainableParameters = trainableParameters
        self.digest = digest
        self.cachedLayers = cachedLayers
        self.firstEpoch = firstEpoch
        self.firstStep = firstStep
        self.epochsBefore = epochsBefore
    }
}

/// One step's figures; `loss` and `accuracy` are running means over the epoch so far.
public struct StepReport: Sendable {
    public var phase: Int
    public var phaseName: String
    public var epoch: Int
    public var step: Int
    public var stepsPerEpoch: Int
    /// Samples trained on so far in this epoch.
    public var samples: Int
    public var loss: Double
    public var accuracy: Double
    public var samplesPerSecond: Double
    /// The learning rate this step used.
    public var learningRate: Double
    /// Epochs completed over the whole run, fractional, for plots.
    public var runEpoch: Double
    /// Where this step's time went.
    public var timing: StepTiming?

    public init(
        phase: Int, phaseName: String, epoch: Int, step: Int, stepsPerEpoch: Int, samples: Int, loss: Double,
        accuracy: Double, samplesPerSecond: Double, learningRate: Double, runEpoch: Double, timing: StepTiming? = nil
    ) {
        self.phase = phase
        self.phaseName = phaseName
        self.epoch = epoch
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
        self.samples = samples
        self.loss = loss
        self.accuracy = accuracy
        self.samplesPerSecond = samplesPerSecond
        self.learningRate = learningRate
        self.runEpoch = runEpoch
        self.timing = timing
    }
}

/// One epoch's figures.
public struct EpochReport: Sendable {
    public var phase: Int
    public var phaseName: String
    public var epoch: Int
    public var epochs: Int
    public var samples: Int
    public var loss: Double
    public var accuracy: Double
    public var validation: Evaluation
    public var seconds: Double
    public var samplesPerSecond: Double
    public var runEpoch: Double
    /// The mean over the epoch's steps of where a step's time went.
    public var meanTiming: StepTiming?

    public init(
        phase: Int, phaseName: String, epoch: Int, epochs: Int, samples: Int, loss: Double, accuracy: Double,
        validation: Evaluation, seconds: Double, samplesPerSecond: Double, runEpoch: Double,
        meanTiming: StepTiming? = nil
    ) {
        self.phase = phase
        self.phaseName = phaseName
        self.epoch = epoch
        self.epochs = epochs
        self.samples = samples
        self.loss = loss
        self.accuracy = accuracy
        self.validation = validation
        self.seconds = seconds
        self.samplesPerSecond = samplesPerSecond
        self.runEpoch = runEpoch
        self.meanTiming = meanTiming
    }
}
