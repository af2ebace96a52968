import Foundation
import Glibc
import ThawCommandLine
import ThawLayers
import ThawOptim
import ThawTensor
import ThawTraining

/// `thaw bench`: training throughput of MobileNetV2 in one process, as `scripts/bench-core` reads it.
struct BenchCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "bench",
        abstract: "Measure MobileNetV2 training samples per second and peak memory in this process.",
        discussion: """
            Runs real training steps (micro-shards, exact reduction, Keras SGD) on seeded random images and \
            prints one JSON line. Phase 1 freezes the base and trains the head, computing the frozen base's \
            forward pass every step (no feature cache); phase 2 trains everything with batch norm in training \
            mode. Use one process per measurement so that the peak memory belongs to one phase.
            """,
        options: [
            CommandOption(
                name: "phase", valueName: "number", help: "1: base frozen, head trained. 2: everything trained.",
                kind: .integer(1...2), defaultValue: "2", example: "1"),
            CommandOption(
                name: "image-size", valueName: "pixels", help: "The side of the square input images.",
                kind: .integer(32...512), defaultValue: "96", example: "96"),
            CommandOption(
                name: "batch", valueName: "samples", help: "Samples per optimizer step.", kind: .integer(1...4096),
                defaultValue: "32", example: "32"),
            CommandOption(
                name: "micro-shard", valueName: "samples", help: "Samples per micro-shard.",
                kind: .integer(1...4096), defaultValue: "8", example: "8"),
            CommandOption(
                name: "steps", valueName: "count", help: "Timed steps, after two warm-up steps.",
                kind: .integer(1...100_000), defaultValue: "10", example: "10"),
            CommandOption(
                name: "weights", valueName: "file",
                help: "Pretrained weights to start from (the timing does not depend on them).", kind: .path,
                example: ".cache/weights/mobilenet_v2-b0353104.pth"),
        ]
    )

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
    }

    func run() async throws {
        BLAS.setThreadCount(1)
        let phase = self.arguments.integer("phase")!
        let size = self.arguments.integer("image-size")!
        let batch = self.arguments.integer("batch")!
        let steps = self.arguments.integer("steps")!

        let model = Architectures.mobileNetV2(classes: 10, imageSize: size, seed: 1)
        if let weights = self.arguments.path("weights") {
            try ModelFactory.loadBaseWeights(into: model, from: weights)
        }
        try model.setTrainable(phase == 1 ? .head : .all)
        let layout = model.trainableLayout()
        let settings =
            phase == 1 ? SGDSettings(learningRate: 0.2, momentum: 0.9) : SGDSettings(learningRate: 0.01, momentum: 0.9)
        let optimizer = KerasSGD(settings: settings, layout: layout)
        let worker = MicroShardWorker(model: model, layout: layout)
        let reduction = ExactReduction(vector: worker.vector)

        var random = SplitMix64(seed: 7)
        let images = Tensor(
            shape: [batch, size, size, 3], scalars: (0..<(batch * size * size * 3)).map { _ in random.nextGaussian() })
        let labels = (0..<batch).map { Int32($0 % 10) }
        let plan = EpochPlan(
            order: Array(0..<batch), batchSize: batch, microShardSize: self.arguments.integer("micro-shard")!)
        let source = TensorSamples(inputs: images, labels: labels)

        var started = Date()
        for step in 0..<(steps + 2) {
            if step == 2 { started = Date() }
            let contributions = plan.microShards(ofStep: 0).enumerated().map { index, shard in
                let (inputs, shardLabels) = source.batch(shard)
                return worker.contribution(
                    inputs: inputs, labels: shardLabels, globalBatchSize: batch, randomSeed: UInt64(step * 100 + index))
            }
            _ = worker.vector.apply(try reduction.sum(contributions), to: model, optimizer: optimizer)
        }
        let seconds = Date().timeIntervalSince(started)

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let report: [String: Any] = [
            "framework": "thaw", "phase": phase, "samples_per_second": Double(steps * batch) / seconds,
            "peak_rss_mib": Double(usage.ru_maxrss) / 1024, "threads": BLAS.threadCount, "batch": batch,
            "micro_shard": self.arguments.integer("micro-shard")!, "image_size": size, "steps": steps,
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
