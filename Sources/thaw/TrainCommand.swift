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
        options: RunOutput.options,
        flags: RunOutput.flags,
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
        try RunOutput.train(runFile: self.arguments.path("run-file")!, arguments: self.arguments) {
            setup, data, resume, report in
            let trainer = Trainer(
                configuration: setup.configuration, model: setup.model, data: data, checkpointURL: setup.checkpointURL,
                report: report)
            trainer.checkpointInterval = self.arguments.integer("checkpoint-steps") ?? 0
            trainer.stepLimit = self.arguments.integer("max-steps")
            return try trainer.run(resumingFrom: resume)
        }
    }
}
