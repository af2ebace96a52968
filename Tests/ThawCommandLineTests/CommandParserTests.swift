import Foundation
import ThawCommandLine
import XCTest

final class CommandParserTests: XCTestCase {
    private func local(_ words: [String]) throws -> ParsedArguments {
        guard case .run(let command as SampleLocal) = try CommandParser(root: SampleTool.self).parse(words) else {
            XCTFail("expected to run local for \(words)")
            throw CommandLineError.invalidCombination(command: "test", message: "not local")
        }
        return command.arguments
    }

    func testSpaceAndEqualsFormsGiveTheSameValues() throws {
        let spaced = try self.local(["local", "--workers", "4", "--learning-rate-scale", "0.25", "run.json"])
        let joined = try self.local(["local", "--workers=4", "--learning-rate-scale=0.25", "run.json"])

        XCTAssertEqual(spaced.integer("workers"), 4)
        XCTAssertEqual(spaced.number("learning-rate-scale"), 0.25)
        XCTAssertEqual(joined.integer("workers"), 4)
        XCTAssertEqual(joined.number("learning-rate-scale"), 0.25)
    }

    func testShortNamesWorkForOptionsAndFlags() throws {
        let arguments = try self.local(["local", "-w", "3", "-v", "run.json"])

        XCTAssertEqual(arguments.integer("workers"), 3)
        XCTAssertTrue(arguments.isSet("verbose"))
    }

    func testDefaultsApplyWhenOptionsAreLeftOut() throws {
        let arguments = try self.local(["local", "run.json"])

        XCTAssertEqual(arguments.integer("workers"), 2)
        XCTAssertEqual(arguments.text("transport"), "tls")
        XCTAssertNil(arguments.number("learning-rate-scale"))
        XCTAssertFalse(arguments.isSet("verbose"))
        XCTAssertNil(arguments.path("checkpoint"))
        XCTAssertEqual(arguments.commandPath, ["thaw", "local"])
    }

    func testPathsAreMadeAbsoluteAgainstTheCurrentDirectory() throws {
        let arguments = try self.local(["local", "configs/run.json", "/tmp/last.safetensors"])

        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        XCTAssertEqual(arguments.path("run-file")?.path, current.appendingPathComponent("configs/run.json").path)
        XCTAssertEqual(arguments.path("checkpoint")?.path, "/tmp/last.safetensors")
    }

    func testNegativeNumberIsTakenAsAValue() throws {
        let arguments = try self.local(["local", "--shift", "-1", "run.json"])

        XCTAssertEqual(arguments.integer("shift"), -1)
    }

    func testDoubleDashEndsOptions() throws {
        let arguments = try self.local(["local", "--verbose", "--", "-odd-name.json"])

        XCTAssertTrue(arguments.isSet("verbose"))
        XCTAssertEqual(arguments.path("run-file")?.lastPathComponent, "-odd-name.json")
    }

    func testRepeatableOptionCollectsEveryValueInOrder() throws {
        let words = ["worker", "--coordinator", "c:1", "--peer", "a:2", "--peer=b:3"]
        guard case .run(let command as SampleWorker) = try CommandParser(root: SampleTool.self).parse(words) else {
            return XCTFail("expected to run worker")
        }

        XCTAssertEqual(command.arguments.text("coordinator"), "c:1")
        XCTAssertEqual(command.arguments.values(of: "peer"), [.text("a:2"), .text("b:3")])
    }

    func testToolRunsCommandAndExitsWithSuccess() async {
        let output = TextCollector()
        let errors = TextCollector()
        let tool = CommandLineTool(root: SampleTool.self, standardOutput: output.sink, standardError: errors.sink)

        let status = await tool.run(arguments: ["local", "--workers", "5", "run.json"])

        XCTAssertEqual(status, .success)
        XCTAssertEqual(SampleLog.shared.last?.integer("workers"), 5)
        XCTAssertEqual(output.contents, "")
        XCTAssertEqual(errors.contents, "")
    }

    func testToolPrintsHelpToStandardOutputWithExitZero() async throws {
        let output = TextCollector()
        let errors = TextCollector()
        let tool = CommandLineTool(root: SampleTool.self, standardOutput: output.sink, standardError: errors.sink)

        let status = await tool.run(arguments: ["local", "-h"])

        XCTAssertEqual(status, .success)
        XCTAssertEqual(status.rawValue, 0)
        XCTAssertTrue(output.contents.hasPrefix("OVERVIEW: Train on this machine"))
        XCTAssertEqual(errors.contents, "")
    }

    func testToolPrintsUsageErrorsToStandardErrorWithExit64() async {
        let output = TextCollector()
        let errors = TextCollector()
        let tool = CommandLineTool(root: SampleTool.self, standardOutput: output.sink, standardError: errors.sink)

        let status = await tool.run(arguments: ["local", "--workers", "x", "run.json"])

        XCTAssertEqual(status, .usage)
        XCTAssertEqual(status.rawValue, 64)
        XCTAssertEqual(output.contents, "")
        XCTAssertEqual(
            errors.contents,
            """
            Error: --workers expects a whole number from 1 to 64, got 'x'. Example: thaw local --workers 2 run.json
            See 'thaw local --help' for more information.

            """
        )
    }

    func testToolReportsCommandFailureWithExitOne() async {
        let errors = TextCollector()
        let tool = CommandLineTool(root: SampleTool.self, standardOutput: { _ in }, standardError: errors.sink)

        let status = await tool.run(arguments: ["local", "--workers", "13", "run.json"])

        XCTAssertEqual(status, .failure)
        XCTAssertEqual(errors.contents, "Error: local run failed: 13 workers is unlucky. Choose another count.\n")
    }
}
