import ThawCommandLine

/// The root of the `thaw` tool.
enum ThawCommand: Command {
    static let configuration = CommandConfiguration(
        name: "thaw",
        abstract: "Fine-tune a pretrained image classifier in phases: freeze the base, train a head, then thaw.",
        discussion: """
            A run file (JSON) names the model, its pretrained weights, the data set and the training phases. \
            Each phase has its own trainable layers and a fresh Keras-style SGD optimizer.

                thaw train examples/fashion-demo.json
                thaw evaluate examples/fashion-demo.json
                thaw predict --run examples/fashion-demo.json shirt.png
            """,
        subcommands: [
            TrainCommand.self, LocalCommand.self, CoordinatorCommand.self, WorkerCommand.self, EvaluateCommand.self,
            PredictCommand.self, CertsCommand.self, BenchCommand.self, AllReduceBenchCommand.self,
        ]
    )
}
