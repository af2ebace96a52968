import Foundation
import ThawCheckpoint
import ThawLayers
import ThawTensor

/// Builds the model a run file describes and loads its base weights.
public enum ModelFactory {
    /// The model of `configuration`, initialised from its seed, with the base weights loaded
    /// from `model.weights` (a PyTorch state dict or a Thaw safetensors file) if given.
    /// - Parameter loadingWeights: false builds the architecture only (a worker receives its
    ///   weights from the coordinator).
    public static func makeModel(_ configuration: RunConfiguration, loadingWeights: Bool = true) throws -> Model {
        let settings = configuration.model
        let size = configuration.data.imageSize
        let model: Model
        switch settings.architecture {
        case .mobileNetV2:
            model = Architectures.mobileNetV2(
                classes: settings.classes, imageSize: size, dropout: Float(settings.dropout),
                batchNormMomentum: Float(settings.batchNormMomentum), seed: configuration.seed)
        case .mlp:
            model = Architectures.multilayerPerceptron(
                inputShape: [size, size, 3], hidden: settings.hidden, classes: settings.classes,
                seed: configuration.seed)
        case .smallCNN:
            model = Architectures.smallConvolutional(
                inputShape: [size, size, 3], classes: settings.classes, seed: configuration.seed)
        }

        if loadingWeights, let weights = settings.weights {
            try self.loadBaseWeights(into: model, from: URL(fileURLWithPath: weights))
        }
        return model
    }

    /// Loads every tensor of the model except the new head from a file: a PyTorch state dict
    /// (`.pth`, `.pt`) in torchvision's layout, or a safetensors file in Thaw's layout.
    public static func loadBaseWeights(into model: Model, from url: URL) throws {
        do {
            if url.pathExtension == "safetensors" {
                let file = try Safetensors.read(from: url)
                for entry in model.store.entries where !entry.name.hasPrefix(model.headPrefix + ".") {
                    guard let tensor = file[entry.name], tensor.shape == entry.shape else {
                        throw TrainingError.incompatibleWeights(
                            file: url.path, detail: "tensor '\(entry.name)' is missing or has another shape")
                    }
                    model.store.assign(tensor, to: model.store.handle(named: entry.name)!)
                }
            } else {
                let imported = try TorchStateDict.load(from: url)
                let tensors = Dictionary(
                    imported.map { ($0.name, $0.tensor.tensor) }, uniquingKeysWith: { first, _ in first })
                try model.loadTorchWeights(tensors, excluding: [model.headPrefix], source: url.path)
            }
        } catch let error as ModelError {
            throw TrainingError.incompatibleWeights(file: url.path, detail: error.description)
        }
    }
}

extension TorchStateDict {
    /// The tensors of a state dict by name (the first of any repeated name).
    public static func loadTensors(from url: URL) throws -> [String: Tensor] {
        let imported = try self.load(from: url)
        return Dictionary(imported.map { ($0.name, $0.tensor.tensor) }, uniquingKeysWith: { first, _ in first })
    }
}

extension TrainableLayers {
    /// The layer selection this run-file value names.
    public var selection: TrainableSelection {
        switch self {
        case .head: return .head
        case .all: return .all
        case .top(let count): return .top(count)
        case .prefixes(let prefixes): return .prefixes(prefixes + ["classifier"])
        }
    }
}
