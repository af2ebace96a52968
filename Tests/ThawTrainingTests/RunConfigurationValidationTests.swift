import Foundation
import ThawTraining
import XCTest

/// Each validation rule, broken one at a time on an otherwise valid configuration.
final class RunConfigurationValidationTests: XCTestCase {
    private var valid: RunConfiguration {
        RunConfiguration(
            name: "demo",
            seed: 1,
            model: ModelConfiguration(architecture: .mlp, classes: 10, hidden: [64]),
            data: DataConfiguration(dataset: .fashionMNIST, path: "/data", imageSize: 32),
            batchSize: 32,
            phases: [
                PhaseConfiguration(
                    name: "head",
                    epochs: 1,
                    trainable: .head,
                    optimizer: OptimizerConfiguration(learningRate: 0.1, momentum: 0.9, decay: 0.01)
                )
            ]
        )
    }

    private func message(_ change: (inout RunConfiguration) -> Void, line: UInt = #line) -> String {
        var configuration = self.valid
        change(&configuration)
        do {
            try configuration.validate(source: "run.json")
            XCTFail("expected the change to be rejected", line: line)
            return ""
        } catch {
            return error.description
        }
    }

    func testValidConfigurationPasses() throws {
        try self.valid.validate(source: "run.json")
    }

    func testBatchSizeMustBePositive() {
        XCTAssertEqual(
            self.message { $0.batchSize = 0 },
            "run.json: batchSize must be at least 1, got 0. "
                + "Set it to the number of samples per optimizer step over all workers, such as 32."
        )
    }

    func testMicroShardSizeMustDivideBatchSize() {
        XCTAssertEqual(
            self.message { $0.microShardSize = 5 },
            "run.json: microShardSize must divide batchSize 32, got 5. "
                + "Use one of 1, 2, 4, 8, 16 or 32, or change batchSize."
        )
        XCTAssertEqual(
            self.message { $0.microShardSize = 0 },
            "run.json: microShardSize must be at least 1, got 0. "
                + "Use a divisor of batchSize such as 8, or leave it out for the default 8."
        )
    }

    func testLearningRateMustBePositive() {
        XCTAssertEqual(
            self.message { $0.phases[0].optimizer.learningRate = 0 },
            "run.json: phases[0].optimizer.learningRate must be greater than 0, got 0.0. "
                + "Typical values are 0.001 to 0.2."
        )
    }

    func testMomentumMustBeBelowOne() {
        XCTAssertEqual(
            self.message { $0.phases[0].optimizer.momentum = 1 },
            "run.json: phases[0].optimizer.momentum must be at least 0 and below 1, got 1.0. "
                + "Use 0 for plain SGD or 0.9 for the usual momentum."
        )
    }

    func testDecayMustNotBeNegative() {
        XCTAssertEqual(
            self.message { $0.phases[0].optimizer.decay = -0.5 },
            "run.json: phases[0].optimizer.decay must be at least 0, got -0.5. "
                + "Use 0 for a constant learning rate, or a small value such as 0.001."
        )
    }

    func testEpochsMustNotBeNegative() {
        XCTAssertEqual(
            self.message { $0.phases[0].epochs = -1 },
            "run.json: phases[0].epochs must be at least 0, got -1. "
                + "Give the number of passes over the training set, or 0 to skip the phase."
        )
    }

    func testSomePhaseMustTrain() {
        let expected =
            "run.json: phases must include a phase with at least 1 epoch. "
            + "Give at least one phase \"epochs\": 1 or more."

        XCTAssertEqual(self.message { $0.phases[0].epochs = 0 }, expected)
        XCTAssertEqual(self.message { $0.phases = [] }, expected)
    }

    func testImageSizeMustBeInRange() {
        XCTAssertEqual(
            self.message { $0.data.imageSize = 28 },
            "run.json: data.imageSize must be from 32 to 512, got 28. "
                + "Images are resized to imageSize x imageSize pixels; MobileNetV2 works well from 96."
        )
        XCTAssertTrue(self.message { $0.data.imageSize = 513 }.contains("got 513"))
    }

    func testClassesMustBeAtLeastTwo() {
        XCTAssertEqual(
            self.message { $0.model.classes = 1 },
            "run.json: model.classes must be at least 2, got 1. "
                + "Set it to the number of classes in the data set, such as 10 for Fashion-MNIST."
        )
    }

    func testOtherRangesNameTheirKeyPath() {
        let cases: [(change: (inout RunConfiguration) -> Void, keyPath: String)] = [
            ({ $0.name = "a/b" }, "run.json: name must"),
            ({ $0.model.dropout = 1 }, "run.json: model.dropout must"),
            ({ $0.model.batchNormMomentum = 1.5 }, "run.json: model.batchNormMomentum must"),
            ({ $0.model.hidden = [64, 0] }, "run.json: model.hidden[1] must"),
            ({ $0.data.validationCount = -1 }, "run.json: data.validationCount must"),
            ({ $0.data.trainLimit = 0 }, "run.json: data.trainLimit must"),
            ({ $0.data.testLimit = 0 }, "run.json: data.testLimit must"),
            ({ $0.data.testPath = "/test" }, "run.json: data.testPath is only used"),
            ({ $0.phases[0].name = "" }, "run.json: phases[0].name must"),
            ({ $0.phases[0].trainable = .top(0) }, "run.json: phases[0].trainable.top must"),
            ({ $0.phases[0].trainable = .prefixes([]) }, "run.json: phases[0].trainable.prefixes must"),
            ({ $0.phases.append($0.phases[0]) }, "run.json: phases[1].name repeats"),
        ]

        for (index, testCase) in cases.enumerated() {
            let message = self.message(testCase.change)
            XCTAssertTrue(message.hasPrefix(testCase.keyPath), "case \(index): \(message)")
        }
    }
}
