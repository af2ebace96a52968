import Foundation
import ThawData
import XCTest

final class ImagePreprocessingTests: XCTestCase {
    private let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    private let imageNetDeviation: [Float] = [0.229, 0.224, 0.225]

    func testStretchCopiesGreyToThreeImageNetNormalisedChannels() {
        let preprocessing = ImagePreprocessing(height: 96, width: 96)
        let grey = DecodedImage(width: 28, height: 28, channels: 1, pixels: [UInt8](repeating: 51, count: 784))

        let output = preprocessing.apply(to: grey)

        XCTAssertEqual(output.count, 96 * 96 * 3)
        for pixel in [0, 4_000, 96 * 96 - 1] {
            for channel in 0..<3 {
                let expected = (0.2 - self.imageNetMean[channel]) / self.imageNetDeviation[channel]
                XCTAssertEqual(output[pixel * 3 + channel], expected, accuracy: 1e-5)
            }
        }
    }

    func testStretchMatchesResizingThenNormalising() {
        let pixels: [UInt8] = (0..<(28 * 28)).map { UInt8(($0 * 37) % 256) }
        let preprocessing = ImagePreprocessing(height: 96, width: 64)

        let output = preprocessing.apply(to: DecodedImage(width: 28, height: 28, channels: 1, pixels: pixels))
        let resized = ImageResize.bilinear(
            pixels.map(Float.init), height: 28, width: 28, channels: 1, toHeight: 96, toWidth: 64)

        for (pixel, value) in resized.enumerated() {
            for channel in 0..<3 {
                let expected = (value / 255 - self.imageNetMean[channel]) / self.imageNetDeviation[channel]
                XCTAssertEqual(output[pixel * 3 + channel], expected, accuracy: 1e-4)
            }
        }
    }

    /// A 451x300 image (chelsea.png's size) for a 224 crop: short side to 256, long side to
    /// int(256 * 451 / 300) = 384, then the centred window at (16, 80).
    func testImageNetEvaluationMatchesResizeThenCentreCrop() {
        let (width, height) = (451, 300)
        let pixels: [UInt8] = (0..<(width * height * 3)).map { UInt8(($0 * 7 + $0 / 1_353) % 256) }
        let preprocessing = ImagePreprocessing(height: 224, width: 224, mode: .imageNetEvaluation, scaling: .unit)

        let output = preprocessing.apply(to: DecodedImage(width: width, height: height, channels: 3, pixels: pixels))
        let resized = ImageResize.bilinear(
            pixels.map(Float.init), height: height, width: width, channels: 3, toHeight: 256, toWidth: 384)
        let cropped = ImageResize.centreCrop(resized, height: 256, width: 384, channels: 3, toHeight: 224, toWidth: 224)

        XCTAssertEqual(output.count, cropped.count)
        for (actual, expected) in zip(output, cropped) {
            XCTAssertEqual(actual, expected / 255, accuracy: 1e-5)
        }
    }

    /// Pillow's 8-bit resize and crop of chelsea.png, printed by `Fixtures/pillow_resize_oracle.py`
    /// (torchvision's `Resize(256)`, `CenterCrop(224)`). Pillow rounds to 8 bits between its two
    /// passes and this does not, so single pixels may differ by a level or so.
    func testChelseaEvaluationCropAgreesWithPillow() throws {
        let url = try TestAssets.cached("images/chelsea.png")
        let image = try ImageDecoder.decode([UInt8](try Data(contentsOf: url)), name: url.path)
        let preprocessing = ImagePreprocessing(height: 224, width: 224, mode: .imageNetEvaluation, scaling: .unit)

        let output = preprocessing.apply(to: image).map { $0 * 255 }

        let expectedMeans: [Float] = [146.4331, 105.7472, 73.7044]
        for channel in 0..<3 {
            let values = stride(from: channel, to: output.count, by: 3).map { output[$0] }
            XCTAssertEqual(values.reduce(0, +) / Float(values.count), expectedMeans[channel], accuracy: 0.05)
        }
        let samples: [(x: Int, y: Int, rgb: [Float])] = [
            (0, 0, [170, 132, 109]), (223, 0, [155, 113, 106]), (0, 223, [185, 152, 139]),
            (223, 223, [193, 168, 148]), (112, 112, [190, 149, 122]), (50, 170, [175, 132, 92]),
        ]
        for sample in samples {
            for channel in 0..<3 {
                let actual = output[(sample.y * 224 + sample.x) * 3 + channel]
                XCTAssertEqual(actual, sample.rgb[channel], accuracy: 1.5, "pixel (\(sample.x), \(sample.y))")
            }
        }
    }

    func testPortraitImageNetEvaluationResizesTheWidthToTheShortSide() {
        let pixels = [UInt8](repeating: 200, count: 40 * 30)
        let preprocessing = ImagePreprocessing(height: 8, width: 8, mode: .imageNetEvaluation, scaling: .symmetric)

        let output = preprocessing.apply(to: DecodedImage(width: 30, height: 40, channels: 1, pixels: pixels))

        XCTAssertEqual(output.count, 8 * 8 * 3)
        XCTAssertTrue(output.allSatisfy { abs($0 - (200 / 127.5 - 1)) < 1e-5 })
    }

    func testSymmetricScalingMapsBlackAndWhiteToMinusOneAndOne() {
        let preprocessing = ImagePreprocessing(height: 1, width: 2, scaling: .symmetric)

        let output = preprocessing.apply(to: DecodedImage(width: 2, height: 1, channels: 1, pixels: [0, 255]))

        XCTAssertEqual(output, [-1, -1, -1, 1, 1, 1])
    }

    func testMakeBatchShapesImagesAndKeepsLabelsInIndexOrder() {
        let pixels = (0..<3).flatMap { [UInt8](repeating: UInt8(50 * $0), count: 4) }
        let source = LabeledImages(
            height: 2, width: 2, channels: 1, pixels: pixels, labels: [0, 1, 2], classNames: ["a", "b", "c"])
        let preprocessing = ImagePreprocessing(height: 3, width: 3, scaling: .unit)

        let batch = makeBatch(from: source, indices: [2, 0], preprocessing: preprocessing)

        XCTAssertEqual(batch.images.shape, [2, 3, 3, 3])
        XCTAssertEqual(batch.labels, [2, 0])
        XCTAssertEqual(batch.images[0, 1, 1, 2], 100 / 255, accuracy: 1e-6)
        XCTAssertEqual(batch.images[1, 2, 2, 0], 0)
    }

    func testMakeBatchOfFashionMNISTMatchesSingleImagePreprocessing() throws {
        let test = try FashionMNIST.load(directory: try TestAssets.fashionMNIST(), split: .test)
        let preprocessing = ImagePreprocessing(height: 96, width: 96)

        let batch = makeBatch(from: test, indices: [5, 9_999], preprocessing: preprocessing)
        let single = preprocessing.apply(
            to: DecodedImage(width: 28, height: 28, channels: 1, pixels: Array(test.pixels[(9_999 * 784)...])))

        XCTAssertEqual(batch.images.shape, [2, 96, 96, 3])
        XCTAssertEqual(Array(batch.images.scalars[(96 * 96 * 3)...]), single)
        XCTAssertEqual(batch.labels, [test.labels[5], test.labels[9_999]])
    }
}
