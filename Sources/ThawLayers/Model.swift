import ThawTensor

/// Which layers train in a phase.
public enum TrainableSelection: Sendable, Equatable {
    /// Nothing trains (evaluation only).
    case none
    /// Only the new classifier head.
    case head
    /// Every layer.
    case all
    /// The head and the top `count` layers with parameters of the base.
    case top(Int)
    /// The layers whose names start with one of these prefixes (e.g. `features.17`, `classifier`).
    case prefixes([String])
}

/// Errors in building a model or loading its weights.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// The imported weights lack a tensor the model needs.
    case missingWeight(name: String, source: String)
    /// An imported tensor has another shape than the model expects.
    case shapeMismatch(name: String, expected: [Int], found: [Int], source: String)
    /// A trainable prefix matches no layer.
    case unknownPrefix(String, known: [String])
    /// `top(N)` asks for more layers than the base has, or fewer than zero.
    case topCountOutOfRange(requested: Int, available: Int)

    public var description: String {
        switch self {
        case .missingWeight(let name, let source):
            return "\(source) has no tensor named '\(name)'; is it a torchvision MobileNetV2 state dict?"
        case .shapeMismatch(let name, let expected, let found, let source):
            return "\(source): tensor '\(name)' has shape \(found), the model expects \(expected) (PyTorch layout)"
        case .unknownPrefix(let prefix, let known):
            return "no layer name starts with '\(prefix)'; top-level names are \(known.joined(separator: ", "))"
        case .topCountOutOfRange(let requested, let available):
            return "cannot make the top \(requested) layers trainable: the base has \(available) layers with parameters"
        }
    }
}

/// A network, its parameters, and which of them train.
///
/// The network is a `Sequential`; the classifier head is every layer whose name starts with
/// `headPrefix`. All weights and running statistics live in `store`.
public final class Model {
    public let architecture: String
    public let store: ParameterStore
    public let network: Sequential
    public let headPrefix: String
    /// The image shape the model expects, `[height, width, channels]`.
    public let inputShape: [Int]
    public let classes: Int

    public init(
        architecture: String, store: ParameterStore, network: Sequential, headPrefix: String, inputShape: [Int],
        classes: Int
    ) {
        self.architecture = architecture
        self.store = store
        self.network = network
        self.headPrefix = headPrefix
        self.inputShape = inputShape
        self.classes = classes
    }

    /// The leaf layers that own parameters, in execution order.
    public var parameterLayers: [any Layer] {
        self.network.allLayers.filter { !$0.parameters.isEmpty }
    }

    /// Every batch-norm layer, in execution order.
    public var batchNormLayers: [BatchNormalization] {
        self.network.allLayers.compactMap { $0 as? BatchNormalization }
    }

    private func isHead(_ layer: any Layer) -> Bool {
        layer.name == self.headPrefix || layer.name.hasPrefix(self.headPrefix + ".")
    }

    /// Logits `[batch, classes]` for images `[batch, height, width, channels]`.
    public func forward(_ images: Tensor, context: ForwardContext) -> Tensor {
        self.network.forward(images, context: context)
    }

    /// Back-propagates the gradient of the loss with respect to the logits.
    public func backward(_ logitsGradient: Tensor, context: BackwardContext) {
        _ = self.network.backward(logitsGradient, needsInputGradient: false, context: context)
    }

    /// Sets every leaf layer's trainable flag from a selection.
    public func setTrainable(_ selection: TrainableSelection) throws {
        let layers = self.parameterLayers
        let base = layers.filter { !self.isHead($0) }
        var chosen: (any Layer) -> Bool
        switch selection {
        case .none:
            chosen = { _ in false }
        case .head:
            chosen = { self.isHead($0) }
        case .all:
            chosen = { _ in true }
        case .top(let count):
            guard count >= 0, count <= base.count else {
                throw ModelError.topCountOutOfRange(requested: count, available: base.count)
            }
            let top = Set(base.suffix(count).map(\.name))
            chosen = { self.isHead($0) || top.contains($0.name) }
        case .prefixes(let prefixes):
            for prefix in prefixes where !layers.contains(where: { Self.name($0.name, hasPrefix: prefix) }) {
                let known = Set(layers.map { String($0.name.split(separator: ".").first ?? "") }).sorted()
                throw ModelError.unknownPrefix(prefix, known: known)
            }
            chosen = { layer in prefixes.contains { Self.name(layer.name, hasPrefix: $0) } }
        }
        for layer in layers { layer.isTrainable = chosen(layer) }
    }

    private static func name(_ name: String, hasPrefix prefix: String) -> Bool {
        name == prefix || name.hasPrefix(prefix + ".")
    }

    /// The trainable weights under the current flags, packed for a gradient buffer.
    public func trainableLayout() -> TrainableLayout {
        var entries: [(handle: ParameterHandle, entry: ParameterEntry)] = []
        for layer in self.parameterLayers where layer.isTrainable {
            for handle in layer.parameters { entries.append((handle, self.store.entry(handle))) }
        }
        return TrainableLayout(entries: entries)
    }

    /// Folds the batch statistics measured over the micro-shards of one step into the moving
    /// statistics of each trainable batch-norm layer.
    public func updateMovingStatistics(_ statistics: [String: (mean: [Float], variance: [Float])]) {
        for layer in self.batchNormLayers {
            guard let measured = statistics[layer.name] else { continue }
            layer.updateMovingStatistics(mean: measured.mean, variance: measured.variance)
        }
    }
}
