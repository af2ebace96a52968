import Foundation
import ThawCheckpoint
import ThawData
import ThawLayers
import ThawTensor
import ThawTraining
import XCTest

/// The check from DATA.md: torchvision's MobileNetV2 weights, imported and run by Thaw, must see
/// the same cat that PyTorch sees.
final class ImageNetReferenceTests: XCTestCase {
    func testPretrainedMobileNetV2RecognisesTheEgyptianCat() throws {
        let weights = try TestAssets.file("weights/mobilenet_v2-b0353104.pth")
        let photo = try TestAssets.file("images/chelsea.png")
        let classNames = try String(contentsOf: try TestAssets.file("imagenet-classes.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(classNames.count, 1000)

        let model = Architectures.mobileNetV2(classes: 1000, imageSize: 224, dropout: 0, seed: 0)
        let imported = try TorchStateDict.load(from: weights)
        let loaded = try model.loadTorchWeights(
            Dictionary(imported.map { ($0.name, $0.tensor.tensor) }, uniquingKeysWith: { first, _ in first }),
            excluding: [], source: weights.path)
        XCTAssertEqual(loaded, model.store.entries.count)

        let image = try ImageDecoder.decode(Array(try Data(contentsOf: photo)), name: photo.path)
        XCTAssertEqual([image.width, image.height], [451, 300])
        let preprocessing = ImagePreprocessing(height: 224, width: 224, mode: .imageNetEvaluation)
        let input = Tensor(shape: [1, 224, 224, 3], scalars: preprocessing.apply(to: image))

        try model.setTrainable(.none)
        let logits = model.forward(input, context: ForwardContext(isTraining: false))
        let probabilities = SoftmaxCrossEntropy.probabilities(logits).scalars
        let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }

        XCTAssertEqual(classNames[ranked[0]], "Egyptian cat")
        XCTAssertEqual(probabilities[ranked[0]], 0.71, accuracy: 0.05)
        XCTAssertEqual(Set(ranked[1...2].map { classNames[$0] }), ["tiger cat", "tabby, tabby cat"])
    }
}
