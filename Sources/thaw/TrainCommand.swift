import Foundation
import ThawCommandLine
import ThawTraining

/// `thaw train RUN.json`: every phase of a run file in this one process.
struct TrainCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "train",
        abstract: "Train every phase of a run file in this process.",
        discussion: """
            Writes into the run's output folder: metrics.jsonl (one JSON object per step, epoch, phase and \
            test), checkpoint.safetensors (weights, optimizer state and the position in the data, after \
            every epoch) and curves.svg (loss and accuracy, with the phase switches marked). The last \
            checkpoint holds the trained model.

            The result is bit-identical to a run of the same file on any number of workers.
            """,
        options: [
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
        ],
        flags: [
            CommandFlag(
                name: "resume",
                help: "Continue from the output folder's checkpoint, mid-epoch if that is where it stopped."),
            CommandFlag(name: "quiet", shortName: "q", help: "Log warnings and errors only."),
        ],
        arguments: [
            CommandArgument(
                valueName: "run-file", help: "The JSON run file describing the model, the data and the phases.",
                kind: .path, example: "examples/fashion-demo.json")
        ]
    )

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
    }

    func run() async throws {
        let log = Log(minimumLevel: self.arguments.isSet("quiet") ? .warning : .info)
        let setup = try RunSetup(
            runFile: self.arguments.path("run-file")!, output: self.arguments.path("output"), log: log)
        let data = try setup.loadData()
        try FileManager.default.createDirectory(at: setup.output, withIntermediateDirectories: true)

        var resume: TrainingCheckpoint?
        if self.arguments.isSet("resume") {
            guard FileManager.default.fileExists(atPath: setup.checkpointURL.path) else {
                throw TrainingError.checkpointMismatch(
                    file: setup.checkpointURL.path, detail: "there is no checkpoint to resume from")
            }
            resume = try TrainingCheckpoint.load(from: setup.checkpointURL, into: setup.model)
            log(
                .info, "resuming",
                [("phase", String(resume!.phase)), ("epoch", String(resume!.epoch)), ("step", String(resume!.step))])
        } else if FileManager.default.fileExists(atPath: setup.metricsURL.path) {
            try FileManager.default.removeItem(at: setup.metricsURL)
        }

        let metrics = try MetricsLog(appendingTo: setup.metricsURL)
        let console = TrainingConsole(log: log, metrics: metrics)
        let trainer = Trainer(
            configuration: setup.configuration, model: setup.model, data: data, checkpointURL: setup.checkpointURL,
            report: console.handle)
        trainer.checkpointInterval = self.arguments.integer("checkpoint-steps") ?? 0
        trainer.stepLimit = self.arguments.integer("max-steps")

        let started = Date()
        let test = try trainer.run(resumingFrom: resume)
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
