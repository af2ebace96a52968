/// One line of the metrics log: a training step, the end of an epoch, the start of a phase, or a test
/// evaluation.
public struct MetricsRecord: Codable, Sendable, Equatable {
    /// What the record reports.
    public enum Event: String, Codable, Sendable {
        /// Running training metrics after a step.
        case step

        /// An epoch's training metrics and its validation metrics.
        case epoch

        /// The start of a phase; ``MetricsRecord/fractionalEpoch`` is where the phase switch is drawn.
        case phase

        /// Metrics on the test set, in ``MetricsRecord/loss`` and ``MetricsRecord/accuracy``.
        case test
    }

    /// What the record reports.
    public var event: Event

    /// The phase's name from the run file.
    public var phase: String

    /// The epoch, counted from 1 over the whole run; for a phase record, the phase's first epoch.
    public var epoch: Int

    /// The step within the epoch, counted from 1; set for step records.
    public var step: Int?

    /// Epochs completed since the run started, with a fraction for a partial epoch (2.25 is a quarter of
    /// the way through epoch 3). The x coordinate on learning-curve plots.
    public var fractionalEpoch: Double

    /// Mean training loss (step and epoch records) or test loss (test records).
    public var loss: Double?

    /// Training accuracy as a fraction in [0, 1] (step and epoch records) or test accuracy (test records).
    public var accuracy: Double?

    /// Training throughput over the epoch so far, in samples per second.
    public var samplesPerSecond: Double?

    /// The learning rate of the last update.
    public var learningRate: Double?

    /// Loss on the validation set; set for epoch records when there is a validation set.
    public var validationLoss: Double?

    /// Accuracy on the validation set as a fraction in [0, 1].
    public var validationAccuracy: Double?

    /// Seconds the step's micro-shards took on the slowest worker; for epoch records, the mean per step.
    public var computeSeconds: Double?

    /// Seconds from the end of the micro-shards to the applied step (the exact sum, around the ring when
    /// there are workers, and the SGD step) on the worker that waited least; for epoch records, the mean per
    /// step.
    public var reduceSeconds: Double?

    /// When the record was made, in seconds since 1970-01-01 UTC.
    public var wallTime: Double

    /// Creates a record; leave out what does not apply to the event.
    public init(
        event: Event,
        phase: String,
        epoch: Int,
        step: Int? = nil,
        fractionalEpoch: Double,
        loss: Double? = nil,
        accuracy: Double? = nil,
        samplesPerSecond: Double? = nil,
        learningRate: Double? = nil,
        validationLoss: Double? = nil,
        validationAccuracy: Double? = nil,
        computeSeconds: Double? = nil,
        reduceSeconds: Double? = nil,
        wallTime: Double
    ) {
        self.event = event
        self.phase = phase
        self.epoch = epoch
        self.step = step
        self.fractionalEpoch = fractionalEpoch
        self.loss = loss
        self.accuracy = accuracy
        self.samplesPerSecond = samplesPerSecond
        self.learningRate = learningRate
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.computeSeconds = computeSeconds
        self.reduceSeconds = reduceSeconds
        self.wallTime = wallTime
    }
}
