import ThawLayers
import ThawOptim
import ThawTensor
import ThawTraining
import XCTest

final class DeterminismTests: XCTestCase {
    /// A small network with every kind of state a step touches: convolution, trainable batch
    /// norm (batch statistics and moving averages), depthwise convolution, dropout and a head.
    private func makeModel() -> Model {
        let store = ParameterStore()
        var random = SplitMix64(seed: 11)
        let layers: [any Layer] = [
            Convolution2D(
                name: "conv", inputChannels: 3, outputChannels: 8, kernelSize: 3, stride: 2, store: store,
                random: &random),
            BatchNormalization(name: "bn", channels: 8, store: store),
            Activation(name: "relu", kind: .relu6),
            DepthwiseConvolution2D(name: "dw", channels: 8, kernelSize: 3, store: store, random: &random),
            GlobalAveragePooling(name: "pool"),
            Dropout(name: "classifier.0", rate: 0.3),
            Dense(name: "classifier.1", inputs: 8, outputs: 4, store: store, random: &random),
        ]
        return Model(
            architecture: "test", store: store, network: Sequential(name: "test", layers: layers),
            headPrefix: "classifier", inputShape: [9, 9, 3], classes: 4)
    }

    /// Trains `steps` steps with the micro-shards dealt round-robin to `holders` simulated workers,
    /// each summing its own micro-shards, the totals then added in reverse holder order.
    private func train(holders: Int, steps: Int = 4) throws -> [Float] {
        let model = self.makeModel()
        try model.setTrainable(.all)
        let layout = model.trainableLayout()
        let optimizer = KerasSGD(settings: SGDSettings(learningRate: 0.05, momentum: 0.9, decay: 0.01), layout: layout)
        let workers = (0..<holders).map { _ in MicroShardWorker(model: model, layout: layout) }
        let reduction = ExactReduction(vector: workers[0].vector)
        let images = randomTensor([40, 9, 9, 3], seed: 12)
        let labels = (0..<40).map { Int32($0 % 4) }
        let plan = EpochPlan(order: Array((0..<40).reversed()), batchSize: 10, microShardSize: 3)

        for step in 0..<steps {
            let shards = plan.microShards(ofStep: step)
            var held = [[[Float]]](repeating: [], count: holders)
            for (index, shard) in shards.enumerated() {
                let pixels = shard.flatMap { images.scalars[($0 * 243)..<(($0 + 1) * 243)] }
                let contribution = workers[index % holders].contribution(
                    inputs: Tensor(shape: [shard.count, 9, 9, 3], scalars: pixels), labels: shard.map { labels[$0] },
                    globalBatchSize: plan.samples(ofStep: step).count,
                    randomSeed: SplitMix64.derive(seed: 5, streams: [UInt64(step), UInt64(index)]))
                held[index % holders].append(contribution)
            }
            let maxima = ExactReduction.combineMaxima(held.map { reduction.localMaxima($0) })
            let exponents = try reduction.exponents(globalMaxima: maxima, terms: shards.count)
            var total = [Int64](repeating: 0, count: reduction.count)
            for holder in held.reversed() {
                ExactReduction.add(reduction.accumulate(holder, exponents: exponents), into: &total)
            }
            _ = workers[0].vector.apply(reduction.finish(total, exponents: exponents), to: model, optimizer: optimizer)
        }
        return model.store.snapshot()
    }

    func testWeightsAreBitIdenticalWhateverTheNumberOfWorkers() throws {
        let one = try self.train(holders: 1)
        XCTAssertEqual(try self.train(holders: 2), one)
        XCTAssertEqual(try self.train(holders: 3), one)
        XCTAssertEqual(try self.train(holders: 4), one)

        // The run really trained: weights moved away from their initial values.
        XCTAssertNotEqual(one, self.makeModel().store.snapshot())
    }

    func testFinishingATotalPieceByPieceGivesTheFloatsOfFinishingItWhole() throws {
        let model = self.makeModel()
        try model.setTrainable(.all)
        let worker = MicroShardWorker(model: model, layout: model.trainableLayout())
        let reduction = ExactReduction(vector: worker.vector)
        let contributions = (0..<3).map { shard in
            worker.contribution(
                inputs: randomTensor([2, 9, 9, 3], seed: UInt64(20 + shard)), labels: [1, 3], globalBatchSize: 6,
                randomSeed: UInt64(shard))
        }
        let exponents = try reduction.exponents(globalMaxima: reduction.localMaxima(contributions), terms: 3)
        let total = reduction.accumulate(contributions, exponents: exponents)
        let whole = reduction.finish(total, exponents: exponents)

        // Cuts inside segments, on their boundaries, and pieces of one element.
        for cuts in [
            [0, reduction.count], [0, 1, 2, 50, 51, reduction.count],
            Array(stride(from: 0, to: reduction.count, by: 7)) + [reduction.count],
        ] {
            var pieced = [Float](repeating: .nan, count: reduction.count)
            for (start, end) in zip(cuts, cuts.dropFirst()) {
                total.withUnsafeBufferPointer { sums in
                    pieced.withUnsafeMutableBufferPointer { values in
                        reduction.finish(
                            UnsafeBufferPointer(rebasing: sums[start..<end]), at: start..<end, exponents: exponents,
                            into: UnsafeMutableBufferPointer(rebasing: values[start..<end]))
                    }
                }
            }
            XCTAssertEqual(pieced.map(\.bitPattern), whole.map(\.bitPattern), "cuts \(cuts.prefix(6))")
        }
    }

    func testEpochPlanCutsStepsAndMicroShards() {
        let plan = EpochPlan(order: Array(0..<10), batchSize: 4, microShardSize: 3)
        XCTAssertEqual(plan.stepCount, 3)
        XCTAssertEqual(plan.microShards(ofStep: 0), [[0, 1, 2], [3]])
        XCTAssertEqual(plan.microShards(ofStep: 2), [[8, 9]])
    }
}

func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var random = SplitMix64(seed: seed)
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in random.nextUnitFloat() * 2 - 1 })
}
