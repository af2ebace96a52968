import Foundation
import ThawCommandLine
import ThawTraining

/// `thaw evaluate RUN.json`: scores a trained checkpoint.
struct EvaluateCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "evaluate",
        abstract: "Score a run's checkpoint on its test or validation split.",
        options: [
            CommandOption(
                name: "checkpoint", shortName: "c", valueName: "file",
                help: "The checkpoint to score; the run's output folder's checkpoint.safetensors by default.",
                kind: .path, example: "runs/demo/checkpoint.safetensors"),
            CommandOption(
                name: "split", valueName: "name", help: "Which split to score.", kind: .choice(["test", "validation"]),
                defaultValue: "test", example: "test"),
        ],
        arguments: [
            CommandArgument(
                valueName: "run-file", help: "The run file the checkpoint was trained from.", kind: .path,
                example: "examples/fashion-demo.json")
        ]
    )

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
    }

    func run() async throws {
        let setup = try RunSetup(runFile: self.arguments.path("run-file")!, output: nil, log: Log())
        let checkpoint = self.arguments.path("checkpoint") ?? setup.checkpointURL
        _ = try TrainingCheckpoint.load(from: checkpoint, into: setup.model)
        let data = try setup.loadData()
        let split = self.arguments.text("split") == "validation" ? data.validation : data.test
        let result = Evaluator.evaluate(setup.model.network, on: split)
        print(
            String(
                format: "%@: loss %.4f - accuracy %.4f (%d images)", self.arguments.text("split")!, result.loss,
                result.accuracy, result.samples))
    }
}
