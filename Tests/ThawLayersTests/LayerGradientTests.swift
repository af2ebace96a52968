import ThawLayers
import ThawTensor
import XCTest

final class LayerGradientTests: XCTestCase {
    func testDenseGradientsMatchFiniteDifferences() {
        let store = ParameterStore()
        var random = SplitMix64(seed: 1)
        let layer = Dense(name: "dense", inputs: 5, outputs: 3, store: store, random: &random)
        XCTAssertGreaterThan(GradientCheck(layer: layer, store: store).run(input: randomTensor([4, 5], seed: 2)), 20)
    }

    func testConvolutionGradientsMatchFiniteDifferencesForStridesAndPadding() {
        let cases: [(kernel: Int, stride: Int, padding: (Int, Int, Int, Int)?, bias: Bool)] = [
            (3, 1, nil, true), (3, 2, nil, false), (3, 2, (0, 0, 1, 1), false), (1, 1, nil, true), (1, 2, nil, false),
            (5, 3, (2, 1, 0, 2), true),
        ]
        for (index, c) in cases.enumerated() {
            let store = ParameterStore()
            var random = SplitMix64(seed: UInt64(index))
            let layer = Convolution2D(
                name: "conv", inputChannels: 3, outputChannels: 4, kernelSize: c.kernel, stride: c.stride,
                padding: c.padding, hasBias: c.bias, store: store, random: &random)
            // Odd sizes on purpose: 7 x 5 images.
            GradientCheck(layer: layer, store: store).run(input: randomTensor([2, 7, 5, 3], seed: 10 + UInt64(index)))
        }
    }

    func testDepthwiseGradientsMatchFiniteDifferences() {
        for (stride, padding) in [(1, nil), (2, nil), (2, (0, 0, 1, 1))] as [(Int, (Int, Int, Int, Int)?)] {
            let store = ParameterStore()
            var random = SplitMix64(seed: 3)
            let layer = DepthwiseConvolution2D(
                name: "dw", channels: 6, kernelSize: 3, stride: stride, padding: padding, store: store, random: &random)
            GradientCheck(layer: layer, store: store).run(input: randomTensor([2, 7, 6, 6], seed: 4))
        }
    }

    func testBatchNormTrainingModeGradientsMatchFiniteDifferences() {
        let store = ParameterStore()
        let layer = BatchNormalization(name: "bn", channels: 3, store: store)
        store.assign(Tensor(shape: [3], scalars: [1.5, 0.5, -1]), to: layer.gamma)
        store.assign(Tensor(shape: [3], scalars: [0.1, -0.2, 0.3]), to: layer.beta)
        var check = GradientCheck(layer: layer, store: store)
        check.epsilon = 3e-3
        check.run(input: randomTensor([2, 3, 3, 3], seed: 5, scale: 2))
    }

    func testBatchNormInferenceModeGradientsMatchFiniteDifferences() {
        let store = ParameterStore()
        let layer = BatchNormalization(name: "bn", channels: 4, store: store)
        store.assign(Tensor(shape: [4], scalars: [0.3, -0.1, 0.2, 0]), to: layer.runningMean)
        store.assign(Tensor(shape: [4], scalars: [2, 0.5, 1, 4]), to: layer.runningVariance)
        store.assign(Tensor(shape: [4], scalars: [1.5, 0.5, -1, 2]), to: layer.gamma)
        var check = GradientCheck(layer: layer, store: store)
        check.isTraining = false
        check.run(input: randomTensor([3, 4], seed: 6))
    }

    func testBatchNormTrainingModeNormalisesWithBatchStatisticsAndReportsThem() {
        let store = ParameterStore()
        let layer = BatchNormalization(name: "bn", channels: 1, store: store)
        let context = ForwardContext(isTraining: true)
        let output = layer.forward(Tensor(shape: [4, 1], scalars: [1, 2, 3, 4]), context: context)
        let expected: [Float] = [-1.5, -0.5, 0.5, 1.5].map { $0 / (1.25 + 1e-5).squareRoot() }
        for (got, want) in zip(output.scalars, expected) { XCTAssertEqual(got, want, accuracy: 1e-6) }
        XCTAssertEqual(context.batchNormStatistics["bn"]?.mean, [2.5])
        XCTAssertEqual(context.batchNormStatistics["bn"]!.variance[0], 5.0 / 3.0, accuracy: 1e-6)
    }

    func testFrozenBatchNormUsesMovingStatisticsEvenWhenTraining() {
        let store = ParameterStore()
        let layer = BatchNormalization(name: "bn", channels: 1, store: store)
        layer.isTrainable = false
        store.assign(Tensor(shape: [1], scalars: [10]), to: layer.runningMean)
        store.assign(Tensor(shape: [1], scalars: [4]), to: layer.runningVariance)
        let context = ForwardContext(isTraining: true)
        let output = layer.forward(Tensor(shape: [2, 1], scalars: [12, 8]), context: context)
        XCTAssertEqual(output.scalars[0], 2 / (4 + 1e-5).squareRoot(), accuracy: 1e-6)
        XCTAssertTrue(context.batchNormStatistics.isEmpty)
    }

    func testActivationAndPoolingGradientsMatchFiniteDifferences() {
        let store = ParameterStore()
        // Inputs kept away from the kinks at 0 and 6, where the derivative is undefined.
        var input = randomTensor([2, 5, 4, 3], seed: 7, scale: 8)
        input.scalars = input.scalars.map { abs($0) < 0.1 || abs($0 - 6) < 0.1 ? $0 + 0.3 : $0 }
        GradientCheck(layer: Activation(name: "relu6", kind: .relu6), store: store).run(input: input)
        GradientCheck(layer: Activation(name: "relu", kind: .relu), store: store).run(input: input)
        GradientCheck(layer: GlobalAveragePooling(name: "gap"), store: store).run(input: input)
        GradientCheck(layer: MaxPooling2D(name: "pool", size: 2), store: store).run(input: input)
        GradientCheck(layer: Flatten(name: "flatten"), store: store).run(input: input)
    }

    func testDropoutGradientFollowsItsMaskAndInferenceIsIdentity() {
        let store = ParameterStore()
        let layer = Dropout(name: "drop", rate: 0.5)
        GradientCheck(layer: layer, store: store).run(input: randomTensor([4, 16], seed: 8))

        let input = randomTensor([4, 16], seed: 8)
        XCTAssertEqual(layer.forward(input, context: ForwardContext(isTraining: false)), input)
        let dropped = layer.forward(input, context: ForwardContext(isTraining: true, randomSeed: 3))
        let zeros = dropped.scalars.filter { $0 == 0 }.count
        XCTAssertGreaterThan(zeros, 16)
        XCTAssertLessThan(zeros, 48)
        let again = layer.forward(input, context: ForwardContext(isTraining: true, randomSeed: 3))
        XCTAssertEqual(dropped, again, "the same seed must draw the same mask")
    }

    func testResidualBlockGradientsMatchFiniteDifferences() {
        let store = ParameterStore()
        var random = SplitMix64(seed: 9)
        let body = Sequential(
            name: "block",
            layers: [
                Convolution2D(
                    name: "block.0", inputChannels: 4, outputChannels: 8, kernelSize: 1, store: store, random: &random),
                BatchNormalization(name: "block.1", channels: 8, store: store),
                Activation(name: "block.2", kind: .relu6),
                DepthwiseConvolution2D(name: "block.3", channels: 8, kernelSize: 3, store: store, random: &random),
                Convolution2D(
                    name: "block.4", inputChannels: 8, outputChannels: 4, kernelSize: 1, store: store, random: &random),
            ])
        var check = GradientCheck(layer: Residual(name: "residual", body: body), store: store)
        check.epsilon = 3e-3
        check.tolerance = 3e-2
        check.run(input: randomTensor([2, 5, 5, 4], seed: 10))
    }

    func testSoftmaxCrossEntropyGradientMatchesFiniteDifferences() {
        let logits = randomTensor([3, 5], seed: 11, scale: 3)
        let labels: [Int32] = [0, 4, 2]
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, scale: 1)
        for index in 0..<logits.count {
            var plus = logits
            plus.scalars[index] += 1e-2
            var minus = logits
            minus.scalars[index] -= 1e-2
            let numeric =
                (SoftmaxCrossEntropy.evaluate(logits: plus, labels: labels, scale: 1).lossSum
                    - SoftmaxCrossEntropy.evaluate(logits: minus, labels: labels, scale: 1).lossSum) / 2e-2
            XCTAssertEqual(Double(result.gradient.scalars[index]), numeric, accuracy: 1e-3)
        }
        let uniform = SoftmaxCrossEntropy.evaluate(logits: Tensor(shape: [1, 4]), labels: [1], scale: 1)
        XCTAssertEqual(uniform.lossSum, log(4.0), accuracy: 1e-6)
    }
}
