import Foundation
import ThawCommandLine
import ThawTraining

/// What `train`, `coordinator` and `local` share: the output folder, resuming, the console and
/// metrics while the run goes, and the plot and test score after it.
struct RunOutput {
    let setup: RunSetup
    let log: Log

    /// Options every training command takes.
    static let options: [CommandOption] = [
        CommandOption(
            name: "output", shortName: "o", valueName: "folder",
            help: "Where to write metrics, checkpoints and the plot; the run file's output by default.",
            kind: .path, example: "runs/demo"),
        CommandOption(
            name: "checkpoint-steps", valueName: "steps",
            help: "Also write a checkpoint every this many steps inside an epoch (0: only at epoch ends).",
            kind: .integer(0...1_000_000), defaultValue: "0", example: "100"),
        CommandOption(
            name: "max-steps", valueName: "steps",
            help: "Stop after this many optimizer steps in all (for smoke tests); the test split is still scored.",
            kind: .integer(1...Int.max), example: "20"),
    ]

    /// Flags every training command takes.
    static let flags: [CommandFlag] = [
        CommandFlag(
            name: "resume", help: "Continue from the output folder's checkpoint, mid-epoch if that is where it stopped."
        ),
        CommandFlag(name: "quiet", shortName: "q", help: "Log warnings and errors only."),
    ]

    /// Prepares the output folder, loads the checkpoint to resume from if asked, runs `body`
    /// with the console's event handler, then writes the plot and prints the test score.
    static func train(
        runFile: URL, arguments: ParsedArguments,
        body: (RunSetup, PreparedData, TrainingCheckpoint?, @escaping (TrainingEvent) -> Void) throws -> Evaluation
    ) throws {
        let log = Log(minimumLevel: arguments.isSet("quiet") ? .warning : .info)
        let setup = try RunSetup(runFile: runFile, output: arguments.path("output"), log: log)
        let data = try setup.loadData()
        try FileManager.default.createDirectory(at: setup.output, withIntermediateDirectories: true)

        var resume: TrainingCheckpoint?
        if arguments.isSet("resume") {
            guard FileManager.default.fileExists(atPath: setup.checkpointURL.path) else {
                throw TrainingError.checkpointMismatch(
                    file: setup.checkpointURL.path, detail: "there is no checkpoint to resume from")
            }
            let checkpoint = try TrainingCheckpoint.load(from: setup.checkpointURL, into: setup.model)
            log(
                .info, "resuming",
                [
                    ("phase", String(checkpoint.phase)), ("epoch", String(checkpoint.epoch)),
                    ("step", String(checkpoint.step)),
                ])
            resume = checkpoint
        } else if FileManager.default.fileExists(atPath: setup.metricsURL.path) {
            try FileManager.default.removeItem(at: setup.metricsURL)
        }

        let metrics = try MetricsLog(appendingTo: setup.metricsURL)
        let console = TrainingConsole(log: log, metrics: metrics)
        let started = Date()
        let test = try body(setup, data, resume, console.handle)
        try metrics.close()

        let plot = LearningCurvePlot(
            records: try MetricsLog.read(from: setup.metricsURL), title: setup.configuration.name)
        try plot.write(to: setup.plotURL)
        print(String(format: "test: loss %.4f - accuracy %.4f (%d images)", test.loss, test.accuracy, test.samples))
        log(
            .info, "run finished",
            [
                ("test_accuracy", String(format: "%.4f", test.accuracy)),
                ("seconds", String(format: "%.0f", Date().timeIntervalSince(started))),
                ("metrics", setup.metricsURL.path), ("plot", setup.plotURL.path),
                ("checkpoint", setup.checkpointURL.path),
            ])
    }
}
