import Foundation
import ThawData
import XCTest

final class FashionMNISTTests: XCTestCase {
    func testTrainSplitHolds60000ImagesWith6000PerClass() throws {
        let directory = try TestAssets.fashionMNIST()

        let train = try FashionMNIST.load(directory: directory, split: .train)

        XCTAssertEqual(train.count, 60_000)
        XCTAssertEqual([train.height, train.width, train.channels], [28, 28, 1])
        XCTAssertEqual(train.pixels.count, 60_000 * 784)
        var perClass = [Int](repeating: 0, count: 10)
        for label in train.labels {
            perClass[Int(label)] += 1
        }
        XCTAssertEqual(perClass, [Int](repeating: 6_000, count: 10))
        XCTAssertEqual(train.classNames.first, "T-shirt/top")
        XCTAssertEqual(train.classNames.last, "Ankle boot")
    }

    func testFirstTrainLabelMatchesTheFileBytesReadIndependently() throws {
        let directory = try TestAssets.fashionMNIST()
        let raw = try TestAssets.gunzip(directory.appendingPathComponent("train-labels-idx1-ubyte.gz"))

        let train = try FashionMNIST.load(directory: directory, split: .train)

        XCTAssertEqual(Array(raw[0..<8]), [0, 0, 8, 1, 0, 0, 0xEA, 0x60])
        XCTAssertEqual(train.labels[0], Int32(raw[8]))
        XCTAssertEqual(train.labels[0], 9, "the first Fashion-MNIST training image is an ankle boot")
        XCTAssertEqual(train.labels.map { UInt8($0) }, Array(raw[8...]))
    }

    func testTestSplitMatchesTheFilesDecompressedByGzip() throws {
        let directory = try TestAssets.fashionMNIST()
        let images = try TestAssets.gunzip(directory.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        let labels = try TestAssets.gunzip(directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))

        let test = try FashionMNIST.load(directory: directory, split: .test)

        XCTAssertEqual(test.count, 10_000)
        XCTAssertTrue(test.pixels.elementsEqual(images[16...]))
        XCTAssertEqual(test.labels.map { UInt8($0) }, Array(labels[8...]))
    }

    func testLabelOfTenIsRejectedNamingTheLabelsFile() throws {
        let directory = try TestAssets.temporaryDirectory(for: self)
        try TestAssets.writeGzip(
            [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28] + [UInt8](repeating: 7, count: 2 * 784),
            to: directory.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        let labelsURL = directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        try TestAssets.writeGzip([0, 0, 8, 1, 0, 0, 0, 2, 3, 10], to: labelsURL)

        XCTAssertThrowsError(try FashionMNIST.load(directory: directory, split: .test)) { error in
            XCTAssertEqual(
                error as? DataError, .invalidLabel(path: labelsURL.path, index: 1, label: 10, classCount: 10))
            XCTAssertTrue("\(error)".contains(labelsURL.path))
        }
    }

    func testDifferentImageAndLabelCountsAreRejected() throws {
        let directory = try TestAssets.temporaryDirectory(for: self)
        let imagesURL = directory.appendingPathComponent("t10k-images-idx3-ubyte.gz")
        let labelsURL = directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        try TestAssets.writeGzip(
            [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28] + [UInt8](repeating: 7, count: 2 * 784), to: imagesURL)
        try TestAssets.writeGzip([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3], to: labelsURL)

        XCTAssertThrowsError(try FashionMNIST.load(directory: directory, split: .test)) { error in
            XCTAssertEqual(
                error as? DataError,
                .countMismatch(imagesPath: imagesURL.path, imageCount: 2, labelsPath: labelsURL.path, labelCount: 3))
        }
    }

    func testImagesOfTheWrongSizeAreRejected() throws {
        let directory = try TestAssets.temporaryDirectory(for: self)
        let imagesURL = directory.appendingPathComponent("train-images-idx3-ubyte.gz")
        try TestAssets.writeGzip([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4], to: imagesURL)

        XCTAssertThrowsError(try FashionMNIST.load(directory: directory, split: .train)) { error in
            guard case .sizeMismatch(let path, _) = error as? DataError else {
                return XCTFail("expected a size mismatch, got \(error)")
            }
            XCTAssertEqual(path, imagesURL.path)
        }
    }
}
