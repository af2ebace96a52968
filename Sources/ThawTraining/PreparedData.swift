import Foundation
import ThawData
import ThawTensor

/// A split of labelled images, preprocessed on the fly for each batch.
public final class PreprocessedImages: SampleSource {
    public let images: LabeledImages
    public let preprocessing: ImagePreprocessing

    public init(images: LabeledImages, preprocessing: ImagePreprocessing) {
        self.images = images
        self.preprocessing = preprocessing
    }

    public var count: Int { self.images.count }
    public var sampleShape: [Int] { [self.preprocessing.height, self.preprocessing.width, 3] }

    public func batch(_ indices: [Int]) -> (inputs: Tensor, labels: [Int32]) {
        let batch = makeBatch(from: self.images, indices: indices, preprocessing: self.preprocessing)
        return (batch.images, batch.labels)
    }
}

/// The train, validation and test splits of a run, ready to batch.
public struct PreparedData {
    public let train: PreprocessedImages
    public let validation: PreprocessedImages
    public let test: PreprocessedImages
    public let classNames: [String]

    /// Loads the data set a run file names and cuts it into splits: validation is the last
    /// `validationCount` images of the training source, train the images before it (the first
    /// `trainLimit` of them, if set), test the test source (the first `testLimit`, if set).
    /// Fashion-MNIST's grey 28x28 images are stretched to `imageSize` and copied to three channels;
    /// every image is scaled to [0, 1] and normalised with the ImageNet mean and deviation.
    public static func load(_ data: DataConfiguration) throws -> PreparedData {
        let trainSource: LabeledImages
        let testSource: LabeledImages
        switch data.dataset {
        case .fashionMNIST:
            let directory = URL(fileURLWithPath: data.path)
            trainSource = try FashionMNIST.load(directory: directory, split: .train)
            testSource = try FashionMNIST.load(directory: directory, split: .test)
        case .imageFolder:
            let size = data.imageSize
            trainSource = try ImageFolder.load(directory: URL(fileURLWithPath: data.path), height: size, width: size)
            let testPath = data.testPath ?? data.path
            testSource = try ImageFolder.load(directory: URL(fileURLWithPath: testPath), height: size, width: size)
        }

        let splits = try DataSplits(
            trainSource: trainSource, testSource: testSource, validationCount: data.validationCount,
            trainLimit: data.trainLimit, testLimit: data.testLimit)
        let preprocessing = ImagePreprocessing(height: data.imageSize, width: data.imageSize)
        return PreparedData(
            train: PreprocessedImages(images: splits.train, preprocessing: preprocessing),
            validation: PreprocessedImages(images: splits.validation, preprocessing: preprocessing),
            test: PreprocessedImages(images: splits.test, preprocessing: preprocessing),
            classNames: trainSource.classNames)
    }

    /// The class names of a run's data set, without loading its images.
    public static func classNames(_ data: DataConfiguration) throws -> [String] {
        switch data.dataset {
        case .fashionMNIST:
            return FashionMNIST.classNames
        case .imageFolder:
            let folder = URL(fileURLWithPath: data.path)
            let entries = try FileManager.default.contentsOfDirectory(
                at: folder, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
            return entries.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
                .map(\.lastPathComponent).sorted()
        }
    }
}
