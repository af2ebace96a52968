/// One training phase: which layers train, for how many epochs, with a fresh optimizer.
public struct PhaseConfiguration: Codable, Sendable, Equatable {
    /// A name for logs, metrics and the phase line on plots, such as `head` or `fine-tune`.
    public var name: String

    /// Passes over the training set; 0 skips the phase.
    public var epochs: Int

    /// The layers whose parameters are updated; the others are frozen.
    public var trainable: TrainableLayers

    /// The SGD settings; a new phase starts a new optimizer with zero velocity.
    public var optimizer: OptimizerConfiguration

    /// Creates a phase.
    public init(name: String, epochs: Int, trainable: TrainableLayers, optimizer: OptimizerConfiguration) {
        self.name = name
        self.epochs = epochs
        self.trainable = trainable
        self.optimizer = optimizer
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, epochs, trainable, optimizer
    }

    /// Decodes strictly: unknown keys and values of the wrong type are errors naming their key path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)

        self.init(
            name: try container.requiredText(.name),
            epochs: try container.requiredWholeNumber(.epochs),
            trainable: try container.required(TrainableLayers.self, .trainable),
            optimizer: try container.required(OptimizerConfiguration.self, .optimizer)
        )
    }
}
