import ThawCommandLine
import XCTest

/// Every usage error, checked by its exact message.
final class CommandLineErrorTests: XCTestCase {
    private func message(_ words: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try CommandParser(root: SampleTool.self).parse(words)
            XCTFail("expected \(words) to be rejected", file: file, line: line)
            return ""
        } catch {
            return error.description
        }
    }

    func testNonNumericWholeNumberNamesRangeAndExample() {
        XCTAssertEqual(
            self.message(["local", "--workers", "x", "run.json"]),
            "--workers expects a whole number from 1 to 64, got 'x'. Example: thaw local --workers 2 run.json"
        )
    }

    func testOutOfRangeWholeNumberIsRejected() {
        XCTAssertEqual(
            self.message(["local", "--workers=65", "run.json"]),
            "--workers expects a whole number from 1 to 64, got '65'. Example: thaw local --workers 2 run.json"
        )
    }

    func testBadNumberNamesRange() {
        XCTAssertEqual(
            self.message(["local", "--learning-rate-scale", "fast", "run.json"]),
            "--learning-rate-scale expects a number from 0 to 100, got 'fast'. "
                + "Example: thaw local --learning-rate-scale 0.5 run.json"
        )
    }

    func testNonFiniteNumberIsRejected() {
        XCTAssertEqual(
            self.message(["local", "--learning-rate-scale=nan", "run.json"]),
            "--learning-rate-scale expects a number from 0 to 100, got 'nan'. "
                + "Example: thaw local --learning-rate-scale 0.5 run.json"
        )
    }

    func testBadChoiceListsTheChoices() {
        XCTAssertEqual(
            self.message(["local", "--transport", "udp", "run.json"]),
            "--transport expects one of tls, memory, got 'udp'. Example: thaw local --transport tls run.json"
        )
    }

    func testEmptyPathIsRejected() {
        XCTAssertEqual(
            self.message(["local", ""]),
            "<run-file> expects a file or folder path, got ''. Example: thaw local run.json"
        )
    }

    func testUnknownOptionSuggestsClosestSpelling() {
        XCTAssertEqual(
            self.message(["local", "--wrokers", "2", "run.json"]),
            "thaw local has no option --wrokers. Did you mean --workers?"
        )
        XCTAssertEqual(
            self.message(["local", "--worker=2", "run.json"]),
            "thaw local has no option --worker. Did you mean --workers?"
        )
    }

    func testUnknownOptionWithoutCloseSpellingHasNoSuggestion() {
        XCTAssertEqual(self.message(["local", "--zzz", "run.json"]), "thaw local has no option --zzz.")
        XCTAssertEqual(self.message(["local", "-q", "run.json"]), "thaw local has no option -q.")
    }

    func testOptionAtTheEndNeedsAValue() {
        XCTAssertEqual(
            self.message(["local", "run.json", "--workers"]),
            "--workers needs a value: a whole number from 1 to 64. Example: thaw local --workers 2 run.json"
        )
    }

    func testOptionFollowedByAnotherOptionNeedsAValue() {
        XCTAssertEqual(
            self.message(["local", "--workers", "--verbose", "run.json"]),
            "--workers needs a value: a whole number from 1 to 64. Example: thaw local --workers 2 run.json"
        )
    }

    func testFlagWithValueIsRejected() {
        XCTAssertEqual(
            self.message(["local", "--verbose=yes", "run.json"]),
            "--verbose is a flag and takes no value, got '--verbose=yes'. Write --verbose alone to turn it on."
        )
    }

    func testRepeatedOptionIsRejected() {
        XCTAssertEqual(
            self.message(["local", "-w", "2", "--workers", "3", "run.json"]),
            "--workers was given more than once. Give it once."
        )
    }

    func testMissingRequiredOptionIsNamed() {
        XCTAssertEqual(
            self.message(["worker", "--peer", "a:1"]),
            "Missing required option --coordinator. Example: thaw worker --coordinator 10.0.0.1:7000"
        )
    }

    func testMissingPositionalArgumentIsNamedAndExplained() {
        XCTAssertEqual(
            self.message(["local", "--workers", "2"]),
            "Missing <run-file>: The JSON run file that describes the model, the data and the training phases. "
                + "Example: thaw local run.json"
        )
    }

    func testExtraPositionalArgumentIsRejected() {
        XCTAssertEqual(
            self.message(["local", "run.json", "last.safetensors", "extra"]),
            "Unexpected argument 'extra': thaw local takes only <run-file> [<checkpoint>]. "
                + "Put -- before values that start with a dash."
        )
        XCTAssertEqual(
            self.message(["worker", "--coordinator", "c:1", "extra"]),
            "Unexpected argument 'extra': thaw worker takes no positional arguments. "
                + "Put -- before values that start with a dash."
        )
    }

    func testGroupWithoutSubcommandListsSubcommands() {
        XCTAssertEqual(self.message([]), "thaw needs a subcommand: local, worker. Example: thaw local --help")
    }

    func testUnknownSubcommandSuggestsClosestName() {
        XCTAssertEqual(
            self.message(["locl", "run.json"]),
            "thaw has no subcommand 'locl'. Did you mean 'local'? Subcommands: local, worker."
        )
        XCTAssertEqual(
            self.message(["train"]),
            "thaw has no subcommand 'train'. Subcommands: local, worker."
        )
    }

    func testOptionOfAnotherCommandIsUnknownHere() {
        XCTAssertEqual(self.message(["--workers", "2", "local"]), "thaw has no option --workers.")
    }

    func testCommandCanRejectACombinationOfValues() {
        XCTAssertEqual(
            self.message(["local", "--verbose", "--transport", "memory", "run.json"]),
            "--verbose cannot be used with --transport memory. Leave one of them out."
        )
    }

    func testErrorNamesTheCommandReached() {
        do {
            _ = try CommandParser(root: SampleTool.self).parse(["local", "--nope"])
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.command, "thaw local")
        }
    }
}
