import Foundation

/// Zalando's Fashion-MNIST: 28x28 grey images of clothing in ten balanced classes, 60,000 for
/// training and 10,000 for testing, stored as gzip-compressed IDX files (MIT licence).
///
/// Debian's `dataset-fashion-mnist` package installs the four files in `defaultDirectory`.
public enum FashionMNIST {
    /// Which of the two published sets to load.
    public enum Split: Sendable {
        /// `train-images-idx3-ubyte.gz` and `train-labels-idx1-ubyte.gz`, 60,000 images.
        case train

        /// `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz`, 10,000 images.
        case test
    }

    /// Where Debian's `dataset-fashion-mnist` package puts the files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// The class names, indexed by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Loads one split as grey 28x28 images with labels `0..<10`.
    ///
    /// - Throws: `DataError` naming the file if either file is missing, truncated or corrupt,
    ///   if the images are not `[count, 28, 28]`, if the labels are not `[count]`, if the two
    ///   counts differ, or if a label is 10 or more.
    public static func load(directory: URL = Self.defaultDirectory, split: Split) throws(DataError) -> LabeledImages {
        let prefix = split == .train ? "train" : "t10k"
        let imagesURL = directory.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz")
        let labelsURL = directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz")

        let images = try IDXFile(contentsOf: imagesURL)
        guard images.dimensions.count == 3, images.dimensions[1] == 28, images.dimensions[2] == 28 else {
            throw DataError.sizeMismatch(
                path: imagesURL.path, detail: "expected images shaped [count, 28, 28], found \(images.dimensions)")
        }

        let labels = try IDXFile(contentsOf: labelsURL)
        guard labels.dimensions.count == 1 else {
            throw DataError.sizeMismatch(
                path: labelsURL.path, detail: "expected labels shaped [count], found \(labels.dimensions)")
        }

        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DataError.countMismatch(
                imagesPath: imagesURL.path, imageCount: images.dimensions[0], labelsPath: labelsURL.path,
                labelCount: labels.dimensions[0])
        }

        if let index = labels.bytes.firstIndex(where: { Int($0) >= Self.classNames.count }) {
            throw DataError.invalidLabel(
                path: labelsURL.path, index: index, label: Int(labels.bytes[index]), classCount: Self.classNames.count)
        }

        return LabeledImages(
            height: 28, width: 28, channels: 1, pixels: images.bytes, labels: labels.bytes.map { Int32($0) },
            classNames: Self.classNames)
    }
}
