import Foundation
import ThawCheckpoint
import XCTest

final class TrainCommandTests: XCTestCase {
    func testTrainRunsBothPhasesAndWritesMetricsPlotAndCheckpoint() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try TinyRunFile(output: "out-tiny").write(in: folder)

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
        let straight = try TinyRunFile(name: "straight", output: "out-straight").write(in: folder)
        let interrupted = try TinyRunFile(name: "interrupted", output: "out-interrupted").write(in: folder)

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
        let runFile = try TinyRunFile(output: "out-tiny").write(in: folder)
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
        let runFile = try TinyRunFile(output: "out-tiny").write(in: folder)
        let text = try String(contentsOf: runFile, encoding: .utf8).replacingOccurrences(
            of: "/usr/share/datasets/fashion-mnist", with: folder.appendingPathComponent("nowhere").path)
        try text.write(to: runFile, atomically: true, encoding: .utf8)

        let result = try ThawProcess.run(["train", runFile.path])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("nowhere/train-images-idx3-ubyte.gz"), result.standardError)
    }

    func testResumeWithoutACheckpointSaysSo() throws {
        let folder = try ThawProcess.temporaryFolder(for: self)
        let runFile = try TinyRunFile(output: "out-tiny").write(in: folder)
        let result = try ThawProcess.run(["train", runFile.path, "--resume"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("there is no checkpoint to resume from"), result.standardError)
    }
}
