import Foundation
import ThawCheckpoint
import ThawCommandLine
import ThawData
import ThawLayers
import ThawTensor
import ThawTraining

/// `thaw predict`: the top classes of some images, by a trained run or by the ImageNet base.
struct PredictCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "predict",
        abstract: "Print the most likely classes of JPEG or PNG images.",
        discussion: """
            With --run, uses the run's checkpoint and class names, and prepares images as in training. With \
            --imagenet, uses the pretrained MobileNetV2 with its original 1000-class head and torchvision's \
            evaluation preprocessing (short side to 256, centre crop 224).
            """,
        options: [
            CommandOption(
                name: "run", valueName: "run-file", help: "A run file whose trained checkpoint to use.", kind: .path,
                example: "examples/fashion-demo.json"),
            CommandOption(
                name: "checkpoint", shortName: "c", valueName: "file",
                help: "The checkpoint to use with --run; the run's output folder's checkpoint by default.",
                kind: .path, example: "runs/demo/checkpoint.safetensors"),
            CommandOption(
                name: "imagenet", valueName: "weights",
                help: "Classify into the 1000 ImageNet classes with these torchvision MobileNetV2 weights.",
                kind: .path, example: ".cache/weights/mobilenet_v2-b0353104.pth"),
            CommandOption(
                name: "class-names", valueName: "file",
                help: "With --imagenet: one class name per line; .cache/imagenet-classes.txt by default.",
                kind: .path, example: ".cache/imagenet-classes.txt"),
            CommandOption(
                name: "top", shortName: "k", valueName: "count", help: "How many classes to print per image.",
                kind: .integer(1...1000), defaultValue: "5", example: "3"),
        ],
        arguments: [
            CommandArgument(
                valueName: "image", help: "The images to classify.", kind: .path, isRepeating: true,
                example: "cat.png")
        ]
    )

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        guard (arguments.path("run") == nil) != (arguments.path("imagenet") == nil) else {
            throw .invalidCombination(
                command: "thaw predict",
                message: "Give exactly one of --run RUN.json (a trained run) or --imagenet WEIGHTS (the ImageNet base)."
            )
        }
        self.arguments = arguments
    }

    func run() async throws {
        BLAS.setThreadCount(1)
        let (model, classNames, preprocessing) = try self.makeClassifier()
        try model.setTrainable(.none)
        let top = min(self.arguments.integer("top") ?? 5, classNames.count)

        for case .path(let url) in self.arguments.values(of: "image") {
            let image = try ImageDecoder.decode(Array(try Data(contentsOf: url)), name: url.path)
            let input = Tensor(
                shape: [1, preprocessing.height, preprocessing.width, 3], scalars: preprocessing.apply(to: image))
            let logits = model.forward(input, context: ForwardContext(isTraining: false))
            let probabilities = SoftmaxCrossEntropy.probabilities(logits).scalars
            let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(top)
            print(url.path)
            for index in ranked {
                print(String(format: "  %6.2f%%  %@", probabilities[index] * 100, classNames[index]))
            }
        }
    }

    private func makeClassifier() throws -> (Model, [String], ImagePreprocessing) {
        if let weights = self.arguments.path("imagenet") {
            let namesURL =
                self.arguments.path("class-names")
                ?? URL(fileURLWithPath: ProcessInfo.processInfo.environment["THAW_CACHE"] ?? ".cache")
                .appendingPathComponent("imagenet-classes.txt")
            let names = try String(contentsOf: namesURL, encoding: .utf8).split(separator: "\n").map(String.init)
            let model = Architectures.mobileNetV2(classes: names.count, imageSize: 224, dropout: 0, seed: 0)
            let imported = try TorchStateDict.loadTensors(from: weights)
            try model.loadTorchWeights(imported, excluding: [], source: weights.path)
            return (model, names, ImagePreprocessing(height: 224, width: 224, mode: .imageNetEvaluation))
        }

        let setup = try RunSetup(runFile: self.arguments.path("run")!, output: nil, log: Log(minimumLevel: .warning))
        _ = try TrainingCheckpoint.load(
            from: self.arguments.path("checkpoint") ?? setup.checkpointURL, into: setup.model)
        let size = setup.configuration.data.imageSize
        let names = try PreparedData.classNames(setup.configuration.data)
        return (setup.model, names, ImagePreprocessing(height: size, width: size))
    }
}
