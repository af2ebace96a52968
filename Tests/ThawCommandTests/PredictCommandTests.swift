import Foundation
import XCTest

final class PredictCommandTests: XCTestCase {
    func testImageNetPredictionOfTheCatPhoto() throws {
        let cache = ThawProcess.cache
        let result = try ThawProcess.run([
            "predict", "--imagenet", cache.appendingPathComponent("weights/mobilenet_v2-b0353104.pth").path,
            "--class-names", cache.appendingPathComponent("imagenet-classes.txt").path, "--top", "3",
            cache.appendingPathComponent("images/chelsea.png").path,
        ])

        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, result.standardOutput)
        XCTAssertTrue(lines[1].hasSuffix("Egyptian cat"), String(lines[1]))
        XCTAssertTrue(lines[1].contains("7"), "about 71 percent: \(lines[1])")
    }

    func testPredictNeedsExactlyOneModel() throws {
        let result = try ThawProcess.run(["predict", "cat.png"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.standardError.contains("Give exactly one of --run"), result.standardError)
    }

    func testHelpListsEverySubcommand() throws {
        let result = try ThawProcess.run(["--help"])
        XCTAssertEqual(result.status, 0)
        for command in ["train", "evaluate", "predict", "bench"] {
            XCTAssertTrue(result.standardOutput.contains(command), result.standardOutput)
        }
        let train = try ThawProcess.run(["train", "--help"])
        XCTAssertEqual(train.status, 0)
        XCTAssertTrue(train.standardOutput.contains("--resume"))
    }

    func testUnknownFlagSuggestsTheRightOne() throws {
        let result = try ThawProcess.run(["train", "--resum", "run.json"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.standardError.contains("--resume"), result.standardError)
    }
}
