/// Where the samples come from, how large the images are made, and how many are used.
public struct DataConfiguration: Codable, Sendable, Equatable {
    /// The data set formats Thaw reads.
    public enum Dataset: String, Codable, Sendable, CaseIterable {
        /// The Fashion-MNIST IDX files (train and test) in one folder.
        case fashionMNIST = "fashion-mnist"

        /// A folder with one subfolder of JPEG or PNG images per class.
        case imageFolder = "image-folder"
    }

    /// The format of ``path``.
    public var dataset: Dataset

    /// The data set's folder.
    public var path: String

    /// For `image-folder`, a separate folder of test images laid out like ``path``; `nil` for no test set.
    public var testPath: String?

    /// The side of the square images fed to the model, in pixels, 32...512.
    public var imageSize: Int

    /// At most this many training samples (before the validation split); `nil` for all.
    public var trainLimit: Int?

    /// Samples held out of the training set for validation. Default 5000.
    public var validationCount: Int

    /// At most this many test samples; `nil` for all.
    public var testLimit: Int?

    /// The default ``validationCount``.
    public static let defaultValidationCount = 5000

    /// Creates a data configuration with the documented defaults.
    public init(
        dataset: Dataset,
        path: String,
        testPath: String? = nil,
        imageSize: Int,
        trainLimit: Int? = nil,
        validationCount: Int = DataConfiguration.defaultValidationCount,
        testLimit: Int? = nil
    ) {
        self.dataset = dataset
        self.path = path
        self.testPath = testPath
        self.imageSize = imageSize
        self.trainLimit = trainLimit
        self.validationCount = validationCount
        self.testLimit = testLimit
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataset, path, testPath, imageSize, trainLimit, validationCount, testLimit
    }

    /// Decodes strictly: unknown keys and values of the wrong type are errors naming their key path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)

        self.init(
            dataset: try container.requiredChoice(.dataset),
            path: try container.requiredText(.path),
            testPath: try container.optionalText(.testPath),
            imageSize: try container.requiredWholeNumber(.imageSize),
            trainLimit: try container.optionalWholeNumber(.trainLimit),
            validationCount: try container.optionalWholeNumber(.validationCount) ?? Self.defaultValidationCount,
            testLimit: try container.optionalWholeNumber(.testLimit)
        )
    }
}
