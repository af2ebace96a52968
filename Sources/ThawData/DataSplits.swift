/// The training, validation and test sets of a run.
///
/// Validation is the last `validationCount` images of the training source, so the split is
/// deterministic and needs no seed; training is everything before them. Optional limits keep
/// only the first K images of each set, for quick runs.
public struct DataSplits: Sendable {
    /// Images trained on.
    public let train: LabeledImages

    /// Images held out from the training source to watch for overfitting.
    public let validation: LabeledImages

    /// Images held out entirely, for the final score.
    public let test: LabeledImages

    /// Splits `trainSource` into training and validation, and takes `testSource` as the test set.
    ///
    /// - Parameters:
    ///   - validationCount: how many images, from the end of `trainSource`, to hold out.
    ///   - trainLimit, validationLimit, testLimit: if given, keep only the first that many of
    ///     each set (after splitting).
    /// - Throws: `DataError.invalidSplit` if `validationCount` or a limit is negative, if
    ///   `validationCount` exceeds the training source, or if the two sources have different
    ///   class names or image sizes.
    public init(
        trainSource: LabeledImages, testSource: LabeledImages, validationCount: Int, trainLimit: Int? = nil,
        validationLimit: Int? = nil, testLimit: Int? = nil
    ) throws(DataError) {
        guard validationCount >= 0, validationCount <= trainSource.count else {
            throw DataError.invalidSplit(
                detail:
                    "cannot hold out \(validationCount) validation images from \(trainSource.count) training images; "
                    + "choose a validation count between 0 and \(trainSource.count)")
        }

        for (name, limit) in [("train", trainLimit), ("validation", validationLimit), ("test", testLimit)] {
            if let limit, limit < 0 {
                throw DataError.invalidSplit(detail: "the \(name) limit \(limit) is negative; give 0 or more")
            }
        }

        guard trainSource.classNames == testSource.classNames,
            trainSource.height == testSource.height, trainSource.width == testSource.width,
            trainSource.channels == testSource.channels
        else {
            throw DataError.invalidSplit(
                detail:
                    "the training and test sources differ in class names or image size; load both from the same data set"
            )
        }

        let trainCount = trainSource.count - validationCount
        let trainEnd = min(trainCount, trainLimit ?? trainCount)
        let validationEnd = trainCount + min(validationCount, validationLimit ?? validationCount)

        self.train = trainSource.subset(Array(0..<trainEnd))
        self.validation = trainSource.subset(Array(trainCount..<validationEnd))
        self.test = testSource.prefix(testLimit ?? testSource.count)
    }
}
