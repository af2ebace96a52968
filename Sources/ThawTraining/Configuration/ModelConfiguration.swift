/// The network: its architecture, optional pretrained weights, and the new classifier head.
public struct ModelConfiguration: Codable, Sendable, Equatable {
    /// The network families Thaw can build.
    public enum Architecture: String, Codable, Sendable, CaseIterable {
        /// MobileNetV2 (inverted residuals, depthwise convolutions, BatchNorm, ReLU6) with a new head.
        case mobileNetV2 = "mobilenet_v2"

        /// A multi-layer perceptron over flattened pixels, with ``ModelConfiguration/hidden`` layers.
        case mlp

        /// A small convolutional network for quick runs.
        case smallCNN = "small_cnn"
    }

    /// Which network to build.
    public var architecture: Architecture

    /// A weights file (PyTorch `.pth` or safetensors) for the base; `nil` initialises randomly from the seed.
    public var weights: String?

    /// The number of classes the new head predicts; at least 2.
    public var classes: Int

    /// The fraction of head inputs dropped during training, in [0, 1). Default 0.
    public var dropout: Double

    /// Widths of the hidden layers of an `mlp`; ignored by the others. Default none.
    public var hidden: [Int]

    /// The BatchNorm moving-average momentum (Keras convention: the weight of the old value), in [0, 1].
    /// Default 0.99.
    public var batchNormMomentum: Double

    /// The default ``batchNormMomentum``.
    public static let defaultBatchNormMomentum = 0.99

    /// Creates a model configuration with the documented defaults.
    public init(
        architecture: Architecture,
        weights: String? = nil,
        classes: Int,
        dropout: Double = 0,
        hidden: [Int] = [],
        batchNormMomentum: Double = ModelConfiguration.defaultBatchNormMomentum
    ) {
        self.architecture = architecture
        self.weights = weights
        self.classes = classes
        self.dropout = dropout
        self.hidden = hidden
        self.batchNormMomentum = batchNormMomentum
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case architecture, weights, classes, dropout, hidden, batchNormMomentum
    }

    /// Decodes strictly: unknown keys and values of the wrong type are errors naming their key path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)

        self.init(
            architecture: try container.requiredChoice(.architecture),
            weights: try container.optionalText(.weights),
            classes: try container.requiredWholeNumber(.classes),
            dropout: try container.optionalNumber(.dropout) ?? 0,
            hidden: try container.optionalWholeNumbers(.hidden) ?? [],
            batchNormMomentum: try container.optionalNumber(.batchNormMomentum) ?? Self.defaultBatchNormMomentum
        )
    }
}
