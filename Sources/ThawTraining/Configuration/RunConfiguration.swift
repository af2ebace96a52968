/// Everything one training run needs: the model, the data, the global batch, and the phases that
/// freeze and thaw the model, read from a JSON run file.
///
/// ```json
/// {
///   "name": "fashion-mobilenetv2-demo",
///   "seed": 42,
///   "model": {"architecture": "mobilenet_v2", "weights": "${THAW_CACHE}/weights/mobilenet_v2-b0353104.pth",
///             "classes": 10, "dropout": 0.2},
///   "data": {"dataset": "fashion-mnist", "path": "/usr/share/datasets/fashion-mnist", "imageSize": 96},
///   "batchSize": 32,
///   "phases": [
///     {"name": "head", "epochs": 3, "trainable": "head", "optimizer": {"learningRate": 0.02, "momentum": 0.9}},
///     {"name": "fine-tune", "epochs": 1, "trainable": "all", "optimizer": {"learningRate": 0.01}}
///   ]
/// }
/// ```
///
/// Read run files with ``load(from:environment:)``, which rejects unknown keys, expands `${VARIABLE}` in
/// paths, resolves relative paths against the run file's folder and validates every value. The `Codable`
/// form is the same JSON, with defaults written out; ``fingerprint`` hashes it so that processes can check
/// they run the same configuration.
public struct RunConfiguration: Codable, Sendable, Equatable {
    /// A short name for the run, used in logs and for the default output folder.
    public var name: String

    /// Seeds weight initialisation, the data split and the per-epoch shuffle.
    public var seed: UInt64

    /// The network to train.
    public var model: ModelConfiguration

    /// Where the samples come from and how they are prepared.
    public var data: DataConfiguration

    /// Samples per optimizer step, summed over all workers (the global batch).
    public var batchSize: Int

    /// Samples per unit of gradient work; divides ``batchSize``. Default 8.
    public var microShardSize: Int

    /// The training phases, run in order.
    public var phases: [PhaseConfiguration]

    /// The folder for checkpoints, the metrics log and plots. Default `runs/<name>`.
    public var output: String

    /// The default ``microShardSize``.
    public static let defaultMicroShardSize = 8

    /// Creates a configuration; `output` defaults to `runs/<name>`. Nothing is validated here: see
    /// ``validate(source:)``.
    public init(
        name: String,
        seed: UInt64,
        model: ModelConfiguration,
        data: DataConfiguration,
        batchSize: Int,
        microShardSize: Int = RunConfiguration.defaultMicroShardSize,
        phases: [PhaseConfiguration],
        output: String? = nil
    ) {
        self.name = name
        self.seed = seed
        self.model = model
        self.data = data
        self.batchSize = batchSize
        self.microShardSize = microShardSize
        self.phases = phases
        self.output = output ?? "runs/\(name)"
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, seed, model, data, batchSize, microShardSize, phases, output
    }

    /// Decodes strictly: unknown keys and values of the wrong type are errors naming their key path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)

        let name = try container.requiredText(.name)
        self.init(
            name: name,
            seed: try container.requiredSeed(.seed),
            model: try container.required(ModelConfiguration.self, .model),
            data: try container.required(DataConfiguration.self, .data),
            batchSize: try container.requiredWholeNumber(.batchSize),
            microShardSize: try container.optionalWholeNumber(.microShardSize) ?? Self.defaultMicroShardSize,
            phases: try container.required([PhaseConfiguration].self, .phases),
            output: try container.optionalText(.output)
        )
    }
}
