import ThawLayers
import ThawOptim
import ThawTensor
import XCTest

final class FreezingTests: XCTestCase {
    private func trainOneStep(_ model: Model, images: Tensor, labels: [Int32]) -> BackwardContext {
        let gradients = GradientBuffer(layout: model.trainableLayout())
        let forward = ForwardContext(isTraining: true, randomSeed: 1)
        let logits = model.forward(images, context: forward)
        let loss = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, scale: 1 / Float(labels.count))
        let backward = BackwardContext(gradients: gradients)
        model.backward(loss.gradient, context: backward)
        let optimizer = KerasSGD(settings: SGDSettings(learningRate: 0.1, momentum: 0.9), layout: gradients.layout)
        optimizer.step(parameters: model.store.values, gradients: gradients.values)
        model.updateMovingStatistics(forward.batchNormStatistics)
        return backward
    }

    func testMobileNetV2HasTorchvisionNamesAndParameterCount() {
        let model = Architectures.mobileNetV2(classes: 1000, imageSize: 32, seed: 1)
        let weights = model.store.entries.filter { $0.kind == .weight }.reduce(0) { $0 + $1.count }
        XCTAssertEqual(weights, 3_504_872)
        let names = Set(model.store.entries.map(\.name))
        for name in [
            "features.0.0.weight", "features.1.conv.0.0.weight", "features.1.conv.1.weight",
            "features.2.conv.1.0.weight", "features.17.conv.3.running_var", "features.18.1.bias",
            "classifier.1.weight",
        ] {
            XCTAssertTrue(names.contains(name), name)
        }
        let logits = model.forward(randomTensor([2, 32, 32, 3], seed: 2), context: ForwardContext(isTraining: false))
        XCTAssertEqual(logits.shape, [2, 1000])
    }

    func testHeadOnlyPhaseComputesGradientsForTheHeadAlone() {
        let model = Architectures.mobileNetV2(classes: 10, imageSize: 32, seed: 3)
        try! model.setTrainable(.head)
        let before = model.store.snapshot()
        let head = model.store.entries.filter { $0.name.hasPrefix("classifier") }

        let work = self.trainOneStep(model, images: randomTensor([4, 32, 32, 3], seed: 4), labels: [1, 2, 3, 4])

        XCTAssertEqual(work.weightGradientWork, ["classifier.1": 1])
        XCTAssertEqual(work.inputGradientWork, [:], "nothing below the head may be differentiated")
        let after = model.store.snapshot()
        let headRange = head.first!.offset..<(head.last!.offset + head.last!.count)
        XCTAssertEqual(Array(after[..<headRange.lowerBound]), Array(before[..<headRange.lowerBound]))
        XCTAssertNotEqual(Array(after[headRange]), Array(before[headRange]))
    }

    func testTopLayersPhaseStopsBackwardBelowTheLowestTrainableLayer() {
        let model = Architectures.mobileNetV2(classes: 10, imageSize: 32, seed: 5)
        try! model.setTrainable(.top(3))
        let trainable = Set(model.parameterLayers.filter(\.isTrainable).map(\.name))
        XCTAssertEqual(trainable, ["features.17.conv.3", "features.18.0", "features.18.1", "classifier.1"])

        let before = model.store.snapshot()
        let work = self.trainOneStep(model, images: randomTensor([2, 32, 32, 3], seed: 6), labels: [0, 9])

        XCTAssertEqual(Set(work.weightGradientWork.keys), trainable)
        XCTAssertNil(work.inputGradientWork["features.17.conv.2"], "the projection below is frozen and lowest")
        XCTAssertNil(work.inputGradientWork["features.17.conv.3"], "no trainable layer below needs its input gradient")
        XCTAssertNotNil(work.inputGradientWork["features.18.0"])

        // Frozen weights and the moving statistics of frozen batch norms stay bit-identical.
        let after = model.store.snapshot()
        for entry in model.store.entries where !trainable.contains(entry.layerName) {
            let range = entry.offset..<(entry.offset + entry.count)
            XCTAssertEqual(Array(after[range]), Array(before[range]), entry.name)
        }
        // A trainable batch norm's moving statistics moved.
        let running = model.store.entries.first { $0.name == "features.18.1.running_mean" }!
        XCTAssertNotEqual(
            Array(after[running.offset..<(running.offset + running.count)]),
            Array(before[running.offset..<(running.offset + running.count)]))
    }

    func testPrefixSelectionAndErrors() throws {
        let model = Architectures.mobileNetV2(classes: 10, imageSize: 32, seed: 7)
        try model.setTrainable(.prefixes(["features.16", "classifier"]))
        let names = Set(model.parameterLayers.filter(\.isTrainable).map(\.name))
        XCTAssertTrue(names.contains("features.16.conv.0.0"))
        XCTAssertTrue(names.contains("classifier.1"))
        XCTAssertFalse(names.contains("features.1.conv.0.0"))
        XCTAssertFalse(names.contains("features.17.conv.0.0"))

        XCTAssertThrowsError(try model.setTrainable(.prefixes(["feature.16"]))) { error in
            XCTAssertTrue("\(error)".contains("no layer name starts with 'feature.16'"))
        }
        XCTAssertThrowsError(try model.setTrainable(.top(500)))
    }

    func testTrainableLayoutDigestChangesWithTheSet() throws {
        let model = Architectures.mobileNetV2(classes: 10, imageSize: 32, seed: 8)
        try model.setTrainable(.head)
        let head = model.trainableLayout()
        try model.setTrainable(.all)
        let all = model.trainableLayout()
        XCTAssertNotEqual(head.digest, all.digest)
        XCTAssertEqual(all.count, model.store.entries.filter { $0.kind == .weight }.reduce(0) { $0 + $1.count })
        try model.setTrainable(.head)
        XCTAssertEqual(model.trainableLayout().digest, head.digest)
    }
}
