import ThawData
import XCTest

final class DataSplitsTests: XCTestCase {
    /// Ten 1x1 grey images whose pixel value is their index, labels alternating.
    private func numbered(_ count: Int) -> LabeledImages {
        LabeledImages(
            height: 1, width: 1, channels: 1, pixels: (0..<count).map { UInt8($0) },
            labels: (0..<count).map { Int32($0 % 2) }, classNames: ["even", "odd"])
    }

    func testValidationIsTheLastImagesOfTheTrainingSource() throws {
        let splits = try DataSplits(trainSource: self.numbered(10), testSource: self.numbered(4), validationCount: 3)

        XCTAssertEqual(splits.train.pixels, [0, 1, 2, 3, 4, 5, 6])
        XCTAssertEqual(splits.validation.pixels, [7, 8, 9])
        XCTAssertEqual(splits.validation.labels, [1, 0, 1])
        XCTAssertEqual(splits.test.pixels, [0, 1, 2, 3])
    }

    func testLimitsKeepTheFirstImagesOfEachSplit() throws {
        let splits = try DataSplits(
            trainSource: self.numbered(10), testSource: self.numbered(4), validationCount: 3, trainLimit: 2,
            validationLimit: 1, testLimit: 10)

        XCTAssertEqual(splits.train.pixels, [0, 1])
        XCTAssertEqual(splits.validation.pixels, [7])
        XCTAssertEqual(splits.test.pixels, [0, 1, 2, 3])
    }

    func testMoreValidationImagesThanTrainingImagesThrows() {
        XCTAssertThrowsError(
            try DataSplits(trainSource: self.numbered(10), testSource: self.numbered(4), validationCount: 11)
        ) { error in
            guard case .invalidSplit(let detail) = error as? DataError else {
                return XCTFail("expected an invalid split, got \(error)")
            }
            XCTAssertTrue(detail.contains("11"))
        }
    }

    func testNegativeLimitThrows() {
        XCTAssertThrowsError(
            try DataSplits(
                trainSource: self.numbered(4), testSource: self.numbered(4), validationCount: 1, testLimit: -1)
        )
    }

    func testSubsetFollowsTheGivenIndices() {
        let subset = self.numbered(10).subset([9, 0, 9])

        XCTAssertEqual(subset.pixels, [9, 0, 9])
        XCTAssertEqual(subset.labels, [1, 0, 1])
        XCTAssertEqual(subset.classNames, ["even", "odd"])
    }
}
