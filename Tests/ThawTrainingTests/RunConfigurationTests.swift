import Foundation
import XCTest

@testable import ThawTraining

final class RunConfigurationTests: XCTestCase {
    static let example = """
        {
          "name": "fashion-mobilenetv2-demo",
          "seed": 42,
          "model": {"architecture": "mobilenet_v2", "weights": "${THAW_CACHE}/weights/mobilenet_v2-b0353104.pth",
                    "classes": 10, "dropout": 0.2, "hidden": [128], "batchNormMomentum": 0.99},
          "data": {"dataset": "fashion-mnist", "path": "/usr/share/datasets/fashion-mnist", "imageSize": 96,
                   "trainLimit": 4000, "validationCount": 1000, "testLimit": 2000},
          "batchSize": 32,
          "microShardSize": 8,
          "phases": [
            {"name": "head", "epochs": 3, "trainable": "head",
             "optimizer": {"learningRate": 0.02, "momentum": 0.9, "decay": 0.01, "nesterov": false}},
            {"name": "fine-tune", "epochs": 1, "trainable": "all",
             "optimizer": {"learningRate": 0.01, "momentum": 0.9, "decay": 0.001}}
          ],
          "output": "runs/demo"
        }
        """

    static let minimal = """
        {
          "name": "small",
          "seed": 7,
          "model": {"architecture": "mlp", "classes": 10},
          "data": {"dataset": "image-folder", "path": "photos", "imageSize": 32},
          "batchSize": 16,
          "phases": [{"name": "all", "epochs": 2, "trainable": "all", "optimizer": {"learningRate": 0.1}}]
        }
        """

    private let environment = ["THAW_CACHE": "/opt/thaw-cache"]

    func testExampleRunFileLoadsWithExpandedAndResolvedPaths() throws {
        let folder = try TemporaryFolder(testCase: self)
        let file = try folder.write(Self.example, to: "configs/run.json")

        let configuration = try RunConfiguration.load(from: file, environment: self.environment)

        XCTAssertEqual(configuration.name, "fashion-mobilenetv2-demo")
        XCTAssertEqual(configuration.seed, 42)
        XCTAssertEqual(configuration.model.architecture, .mobileNetV2)
        XCTAssertEqual(configuration.model.weights, "/opt/thaw-cache/weights/mobilenet_v2-b0353104.pth")
        XCTAssertEqual(configuration.model.classes, 10)
        XCTAssertEqual(configuration.model.dropout, 0.2)
        XCTAssertEqual(configuration.model.hidden, [128])
        XCTAssertEqual(configuration.data.dataset, .fashionMNIST)
        XCTAssertEqual(configuration.data.path, "/usr/share/datasets/fashion-mnist")
        XCTAssertEqual(configuration.data.imageSize, 96)
        XCTAssertEqual(configuration.data.trainLimit, 4000)
        XCTAssertEqual(configuration.data.validationCount, 1000)
        XCTAssertEqual(configuration.data.testLimit, 2000)
        XCTAssertEqual(configuration.batchSize, 32)
        XCTAssertEqual(configuration.microShardSize, 8)
        XCTAssertEqual(configuration.phases.map(\.name), ["head", "fine-tune"])
        XCTAssertEqual(configuration.phases[0].trainable, .head)
        XCTAssertEqual(
            configuration.phases[0].optimizer,
            OptimizerConfiguration(learningRate: 0.02, momentum: 0.9, decay: 0.01, nesterov: false)
        )
        XCTAssertEqual(configuration.phases[1].trainable, .all)
        XCTAssertFalse(configuration.phases[1].optimizer.nesterov)
        XCTAssertEqual(configuration.output, folder.url.appendingPathComponent("configs/runs/demo").path)
    }

    func testLeftOutFieldsTakeTheDocumentedDefaults() throws {
        let folder = try TemporaryFolder(testCase: self)
        let file = try folder.write(Self.minimal, to: "run.json")

        let configuration = try RunConfiguration.load(from: file, environment: [:])

        XCTAssertNil(configuration.model.weights)
        XCTAssertEqual(configuration.model.dropout, 0)
        XCTAssertEqual(configuration.model.hidden, [])
        XCTAssertEqual(configuration.model.batchNormMomentum, 0.99)
        XCTAssertNil(configuration.data.testPath)
        XCTAssertNil(configuration.data.trainLimit)
        XCTAssertNil(configuration.data.testLimit)
        XCTAssertEqual(configuration.data.validationCount, 5000)
        XCTAssertEqual(configuration.data.path, folder.url.appendingPathComponent("photos").path)
        XCTAssertEqual(configuration.microShardSize, 8)
        XCTAssertEqual(configuration.phases[0].optimizer, OptimizerConfiguration(learningRate: 0.1))
        XCTAssertEqual(configuration.phases[0].optimizer.momentum, 0)
        XCTAssertEqual(configuration.phases[0].optimizer.decay, 0)
        XCTAssertEqual(configuration.output, folder.url.appendingPathComponent("runs/small").path)
    }

    func testNullOptionalValuesMeanTheirDefaults() throws {
        let json = Self.minimal.replacingOccurrences(
            of: #""classes": 10"#,
            with: #""classes": 10, "weights": null, "dropout": null"#
        )

        let configuration = try RunConfiguration.decode(from: Data(json.utf8), source: "run.json")

        XCTAssertNil(configuration.model.weights)
        XCTAssertEqual(configuration.model.dropout, 0)
    }

    func testEveryTrainableFormDecodesAndEncodesBack() throws {
        let forms: [(json: String, value: TrainableLayers)] = [
            (#""head""#, .head),
            (#""all""#, .all),
            (#"{"top": 4}"#, .top(4)),
            (#"{"prefixes": ["features.17", "features.18"]}"#, .prefixes(["features.17", "features.18"])),
        ]

        for form in forms {
            let json = Self.minimal.replacingOccurrences(
                of: #""trainable": "all""#, with: "\"trainable\": \(form.json)")
            let configuration = try RunConfiguration.decode(from: Data(json.utf8), source: "run.json")
            let reencoded = try RunConfiguration.decode(from: configuration.canonicalJSON, source: "copy")

            XCTAssertEqual(configuration.phases[0].trainable, form.value)
            XCTAssertEqual(reencoded, configuration)
        }
    }

    func testResolvedConfigurationSurvivesACodableRoundTrip() throws {
        let folder = try TemporaryFolder(testCase: self)
        let file = try folder.write(Self.example, to: "run.json")
        let configuration = try RunConfiguration.load(from: file, environment: self.environment)

        let copy = try JSONDecoder().decode(RunConfiguration.self, from: JSONEncoder().encode(configuration))

        XCTAssertEqual(copy, configuration)
    }

    func testFingerprintIsSHA256OfTheCanonicalEncoding() throws {
        let configuration = try RunConfiguration.decode(from: Data(Self.minimal.utf8), source: "run.json")

        XCTAssertEqual(configuration.fingerprint, SHA256Digest.hex(of: configuration.canonicalJSON))
        XCTAssertEqual(configuration.fingerprint.count, 64)
        XCTAssertTrue(configuration.fingerprint.allSatisfy { "0123456789abcdef".contains($0) })
    }

    func testFingerprintIgnoresLayoutButNotValues() throws {
        let compact = Self.minimal.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "  ", with: "")
        let withDefaultsWritten = Self.minimal.replacingOccurrences(
            of: #""batchSize": 16"#,
            with: #""microShardSize": 8, "batchSize": 16"#
        )
        let otherRate = Self.minimal.replacingOccurrences(of: "0.1}", with: "0.05}")

        let base = try RunConfiguration.decode(from: Data(Self.minimal.utf8), source: "a").fingerprint

        XCTAssertEqual(try RunConfiguration.decode(from: Data(compact.utf8), source: "b").fingerprint, base)
        XCTAssertEqual(try RunConfiguration.decode(from: Data(withDefaultsWritten.utf8), source: "c").fingerprint, base)
        XCTAssertNotEqual(try RunConfiguration.decode(from: Data(otherRate.utf8), source: "d").fingerprint, base)
    }

    func testSHA256MatchesKnownVectors() {
        XCTAssertEqual(
            SHA256Digest.hex(of: Data("abc".utf8)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        XCTAssertEqual(
            SHA256Digest.hex(of: Data()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    }
}
