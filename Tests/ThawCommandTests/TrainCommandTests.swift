import Foundation
import ThawCheckpoint
import XCTest

final class TrainCommandTests: XCTestCase {
    /// A small but complete two-phase MobileNetV2 run on real Fashion-MNIST: random initial
    /// weights (so it needs no download), 32x32 images, dropout, batch norm in both modes, a
    /// cached frozen base in phase 1 and everything trainable in phase 2.
    private func writeRunFile(in folder: URL, name: String = "tiny") throws -> URL {
        let run = """
            {
              "name": "\(name)",
              "seed": 3,
              "model": {"architecture": "mobilenet_v2", "classes": 10, "dropout": 0.2, "batchNormMomentum": 0.9},
              "data": {"dataset": "fashion-mnist", "path": "/usr/share/datasets/fashion-mnist", "imageSize": 32,
                       "trainLimit": 80, "validationCount": 24, "testLimit": 40},
              "batchSize": 16,
              "microShardSize": 8,
              "phases": [
                {"name": "head", "epochs": 2, "trainable": "head",
                 "optimizer": {"learningRate": 0.02, "momentum": 0.9, "decay": 0.01}},
                {"name": "fine-tune", "epochs": 1, "trainable": {"top": 12},
                 "optimizer": {"learningRate": 0.01, "momentum": 0.9, "decay": 0.001, "nesterov": true}}
              ],
              "output": "out-\(name)"
            }
            """
        let url = folder.appendingPathComponent("\(name).json")
        try run.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testTrainRunsBothPhasesAndWritesMetricsPlotAndCheckpoint() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try self.writeRunFile(in: folder)

        let result = try ThawProcess.run(["train", runFile.path])

        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("Epoch 2/2"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("val_accuracy: "), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("test: loss"), result.standardOutput)
        XCTAssertTrue(result.standardError.contains("phase started phase=head"), result.standardError)
        XCTAssertTrue(result.standardError.contains("cached_layers=20"), "phase 1 must use the cached base")
        XCTAssertTrue(result.standardError.contains("phase started phase=fine-tune"), result.standardError)

        let output = folder.appendingPathComponent("out-tiny")
        let metrics = try String(contentsOf: output.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let lines = metrics.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("\"event\":\"phase\"") }.count, 2)
        XCTAssertEqual(lines.filter { $0.contains("\"event\":\"epoch\"") }.count, 3)
        XCTAssertEqual(lines.filter { $0.contains("\"event\":\"step\"") }.count, 3 * 5)
        XCTAssertEqual(lines.filter { $0.contains("\"event\":\"test\"") }.count, 1)

        let plot = try String(contentsOf: output.appendingPathComponent("curves.svg"), encoding: .utf8)
        XCTAssertTrue(plot.hasPrefix("<?xml") || plot.hasPrefix("<svg"))
        XCTAssertTrue(plot.contains("fine-tune"))

        let checkpoint = try Safetensors.read(from: output.appendingPathComponent("checkpoint.safetensors"))
        XCTAssertEqual(checkpoint.metadata["phase"], "2", "the final checkpoint is past the last phase")
        XCTAssertEqual(checkpoint["classifier.1.weight"]?.shape, [1280, 10])

        let evaluation = try ThawProcess.run([
            "evaluate", runFile.path, "--checkpoint", output.appendingPathComponent("checkpoint.safetensors").path,
        ])
        XCTAssertEqual(evaluation.status, 0, evaluation.standardError)
        let trainedLine = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("test: ") }!
        XCTAssertEqual(evaluation.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines), String(trainedLine))
    }

    func testInterruptedRunResumedMidEpochEndsBitIdenticalToAnUninterruptedRun() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let straight = try self.writeRunFile(in: folder, name: "straight")
        let interrupted = try self.writeRunFile(in: folder, name: "interrupted")

        XCTAssertEqual(try ThawProcess.run(["train", straight.path, "--quiet"]).status, 0)
        // Stop in the middle of phase 1's second epoch, then in the middle of phase 2.
        let first = try ThawProcess.run([
            "train", interrupted.path, "--quiet", "--max-steps", "8", "--checkpoint-steps", "1",
        ])
        XCTAssertEqual(first.status, 0, first.standardError)
        let middle = try Safetensors.read(from: folder.appendingPathComponent("out-interrupted/checkpoint.safetensors"))
        XCTAssertEqual([middle.metadata["phase"], middle.metadata["epoch"], middle.metadata["step"]], ["0", "1", "3"])
        let second = try ThawProcess.run([
            "train", interrupted.path, "--quiet", "--resume", "--max-steps", "3", "--checkpoint-steps", "1",
        ])
        XCTAssertEqual(second.status, 0, second.standardError)
        let third = try ThawProcess.run(["train", interrupted.path, "--quiet", "--resume"])
        XCTAssertEqual(third.status, 0, third.standardError)

        let expected = try Safetensors.read(from: folder.appendingPathComponent("out-straight/checkpoint.safetensors"))
        let resumed = try Safetensors.read(
            from: folder.appendingPathComponent("out-interrupted/checkpoint.safetensors"))
        XCTAssertEqual(expected.tensors.map(\.name), resumed.tensors.map(\.name))
        for ((name, tensor), (_, other)) in zip(expected.tensors, resumed.tensors) {
            XCTAssertEqual(tensor.scalars, other.scalars, "\(name) differs after resuming")
        }
    }

    func testRunFileWithATypoIsRefusedWithTheKeyAndTheFix() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try self.writeRunFile(in: folder)
        let text = try String(contentsOf: runFile, encoding: .utf8).replacingOccurrences(
            of: "\"learningRate\": 0.02", with: "\"learningrate\": 0.02")
        try text.write(to: runFile, atomically: true, encoding: .utf8)

        let result = try ThawProcess.run(["train", runFile.path])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("learningrate"), result.standardError)
        XCTAssertTrue(result.standardError.contains("learningRate"), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out-tiny").path))
    }

    func testMissingDataFolderNamesTheFile() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try self.writeRunFile(in: folder)
        let text = try String(contentsOf: runFile, encoding: .utf8).replacingOccurrences(
            of: "/usr/share/datasets/fashion-mnist", with: folder.appendingPathComponent("nowhere").path)
        try text.write(to: runFile, atomically: true, encoding: .utf8)

        let result = try ThawProcess.run(["train", runFile.path])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("nowhere/train-images-idx3-ubyte.gz"), result.standardError)
    }

    func testResumeWithoutACheckpointSaysSo() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try self.writeRunFile(in: folder)
        let result = try ThawProcess.run(["train", runFile.path, "--resume"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("there is no checkpoint to resume from"), result.standardError)
    }
}
