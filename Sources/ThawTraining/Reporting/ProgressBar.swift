import Foundation

/// A Keras-style progress display for one epoch.
///
/// ```
/// Epoch 2/5
///  120/1719 [=>............................] - ETA: 1:02 - loss: 0.4123 - accuracy: 0.8512 - 45.2 samples/s
/// 1719/1719 [==============================] - 1:08 elapsed - 40ms/step - loss: 0.3990 - accuracy: 0.8570
///     - 45.6 samples/s - val_loss: 0.3800 - val_accuracy: 0.8650
/// ```
/// (the final line is one line; it is broken here for width).
///
/// On a terminal the bar is redrawn in place with a carriage return, at most once per
/// ``terminalRedrawInterval``. Elsewhere (a log file, a pipe) it writes a plain line each time another
/// ``plainUpdateFraction`` of the epoch is done or ``plainUpdateInterval`` has passed, whichever is first.
/// ``finish(samples:loss:accuracy:validationLoss:validationAccuracy:)`` always writes the final line.
///
/// Text goes to an injected sink and time comes from an injected clock, so output is deterministic in
/// tests. Loss and accuracy are whatever the caller passes, usually running means over the epoch.
public struct ProgressBar: Sendable {
    /// Receives output text, carriage returns and newlines included.
    public typealias Sink = @Sendable (String) -> Void

    /// Returns the time elapsed since a fixed origin; only differences are used.
    public typealias Now = @Sendable () -> Duration

    /// This epoch's number, counted from 1.
    public let epoch: Int

    /// The number of epochs in the run (or phase), for the `Epoch 2/5` header.
    public let epochCount: Int

    /// The number of steps in this epoch; at least 1.
    public let stepCount: Int

    /// Whether to redraw in place (a terminal) or write plain lines.
    public let isTerminal: Bool

    /// The bar's width in characters between the brackets.
    public let width: Int

    /// When not on a terminal, write a line each time this fraction of the epoch is done.
    public let plainUpdateFraction: Double

    /// When not on a terminal, write a line at least this often.
    public let plainUpdateInterval: Duration

    /// On a terminal, redraw at most this often (the last step is always drawn).
    public let terminalRedrawInterval: Duration

    private let now: Now
    private let sink: Sink
    private var startTime: Duration = .zero
    private var lastWriteTime: Duration = .zero
    private var lastPlainFraction = 0.0
    private var lastLineLength = 0
    private var hasDrawn = false

    /// Creates a progress bar for one epoch; nothing is written until ``start()``.
    ///
    /// Misuse traps: `stepCount`, `epoch`, `epochCount` and `width` must be at least 1.
    public init(
        epoch: Int,
        epochCount: Int,
        stepCount: Int,
        isTerminal: Bool = ProgressBar.isStandardOutputTerminal,
        width: Int = 30,
        plainUpdateFraction: Double = 0.1,
        plainUpdateInterval: Duration = .seconds(30),
        terminalRedrawInterval: Duration = .milliseconds(100),
        now: @escaping Now = ProgressBar.monotonicNow,
        sink: @escaping Sink = { FileHandle.standardOutput.write(Data($0.utf8)) }
    ) {
        precondition(epoch >= 1 && epochCount >= 1 && stepCount >= 1 && width >= 1, "invalid progress bar shape")

        self.epoch = epoch
        self.epochCount = epochCount
        self.stepCount = stepCount
        self.isTerminal = isTerminal
        self.width = width
        self.plainUpdateFraction = plainUpdateFraction
        self.plainUpdateInterval = plainUpdateInterval
        self.terminalRedrawInterval = terminalRedrawInterval
        self.now = now
        self.sink = sink
    }

    /// Whether standard output is a terminal (`isatty`).
    public static var isStandardOutputTerminal: Bool {
        isatty(FileHandle.standardOutput.fileDescriptor) == 1
    }

    /// Time on the process's monotonic clock since its first use.
    @Sendable public static func monotonicNow() -> Duration {
        ContinuousClock.now - Self.clockOrigin
    }

    private static let clockOrigin = ContinuousClock.now

    /// Writes the `Epoch 2/5` header and starts the epoch's clock.
    public mutating func start() {
        self.startTime = self.now()
        self.lastWriteTime = self.startTime
        self.sink("Epoch \(self.epoch)/\(self.epochCount)\n")
    }

    /// Reports that `step` steps (from 1) and `samples` samples of this epoch are done.
    public mutating func update(step: Int, samples: Int, loss: Double, accuracy: Double) {
        let time = self.now()
        let elapsed = Self.seconds(time - self.startTime)
        let fraction = Double(step) / Double(self.stepCount)

        var fields = [self.barText(step: step)]
        if step > 0 && step < self.stepCount {
            let remaining = elapsed / Double(step) * Double(self.stepCount - step)
            fields.append("ETA: " + Self.clockText(remaining))
        }
        fields += Self.metricFields(loss: loss, accuracy: accuracy, samples: samples, elapsed: elapsed)
        let line = fields.joined(separator: " - ")

        if self.isTerminal {
            let isDue = !self.hasDrawn || time - self.lastWriteTime >= self.terminalRedrawInterval
            guard isDue || step >= self.stepCount else { return }
            self.redraw(line, ending: "")
        } else {
            let isDue =
                fraction - self.lastPlainFraction >= self.plainUpdateFraction - 1e-9
                || time - self.lastWriteTime >= self.plainUpdateInterval
            guard isDue && step < self.stepCount else { return }
            self.sink(line + "\n")
            self.lastPlainFraction = fraction
        }
        self.lastWriteTime = time
    }

    /// Writes the epoch's final line: the full bar, elapsed time, time per step, training metrics, and
    /// validation metrics when given. `trainingSeconds`, when given, is the time spent training (without
    /// validation), used for the time per step and the samples per second.
    public mutating func finish(
        samples: Int,
        loss: Double,
        accuracy: Double,
        validationLoss: Double? = nil,
        validationAccuracy: Double? = nil,
        trainingSeconds: Double? = nil
    ) {
        let elapsed = Self.seconds(self.now() - self.startTime)
        let training = trainingSeconds ?? elapsed

        var fields = [
            self.barText(step: self.stepCount),
            Self.clockText(elapsed) + " elapsed",
            Self.perStepText(training / Double(self.stepCount)),
        ]
        fields += Self.metricFields(loss: loss, accuracy: accuracy, samples: samples, elapsed: training)
        if let validationLoss {
            fields.append(String(format: "val_loss: %.4f", validationLoss))
        }
        if let validationAccuracy {
            fields.append(String(format: "val_accuracy: %.4f", validationAccuracy))
        }
        let line = fields.joined(separator: " - ")

        if self.isTerminal {
            self.redraw(line, ending: "\n")
        } else {
            self.sink(line + "\n")
        }
    }

    /// Overwrites the current terminal line, padding with spaces over the rest of a longer previous line.
    private mutating func redraw(_ line: String, ending: String) {
        let padding = String(repeating: " ", count: max(0, self.lastLineLength - line.count))
        self.sink("\r" + line + padding + ending)
        self.lastLineLength = line.count
        self.hasDrawn = true
    }

    /// ` 120/1719 [=>.....]`: the step right-aligned to the width of the total, then the bar, where `=`
    /// marks done steps and `>` the head of an unfinished bar.
    private func barText(step: Int) -> String {
        let digits = String(self.stepCount).count
        let count = String(repeating: " ", count: max(0, digits - String(step).count)) + String(step)

        let filled = min(self.width, self.width * step / self.stepCount)
        var bar = String(repeating: "=", count: max(0, filled - 1))
        if filled > 0 {
            bar += step < self.stepCount ? ">" : "="
        }
        bar += String(repeating: ".", count: self.width - filled)

        return "\(count)/\(self.stepCount) [\(bar)]"
    }

    private static func metricFields(loss: Double, accuracy: Double, samples: Int, elapsed: Double) -> [String] {
        var fields = [String(format: "loss: %.4f", loss), String(format: "accuracy: %.4f", accuracy)]
        if elapsed > 0 {
            fields.append(String(format: "%.1f samples/s", Double(samples) / elapsed))
        }
        return fields
    }

    /// `m:ss` below an hour, `h:mm:ss` from an hour, rounded to whole seconds.
    static func clockText(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        if hours > 0 {
            return String(format: "%d:%02d:%02d", hours, minutes, rest)
        }
        return String(format: "%d:%02d", minutes, rest)
    }

    private static func perStepText(_ seconds: Double) -> String {
        if seconds >= 1 {
            return String(format: "%.1fs/step", seconds)
        }
        if seconds >= 0.001 {
            return String(format: "%.0fms/step", seconds * 1000)
        }
        return String(format: "%.0fus/step", seconds * 1_000_000)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
