import ThawCommandLine
import XCTest

final class HelpOutputTests: XCTestCase {
    private func help(_ words: [String]) throws -> String {
        guard case .help(let text) = try CommandParser(root: SampleTool.self).parse(words) else {
            XCTFail("expected help for \(words)")
            return ""
        }
        return text
    }

    func testRootHelpMatchesGolden() throws {
        let expected = """
            OVERVIEW: Train an image classifier on several processes or hosts.

            Thaw fine-tunes a pretrained network in phases: it trains a new head on a frozen
            base, then unfreezes the base and trains on with a smaller learning rate.

                thaw local --workers 2 run.json

            USAGE: thaw <subcommand>

            OPTIONS:
              -h, --help              Show help information.

            SUBCOMMANDS:
              local                   Train on this machine with several worker processes.
              worker                  Join a coordinator as a worker.

              See 'thaw <subcommand> --help' for detailed help.

            """
        XCTAssertEqual(try self.help(["--help"]), expected)
    }

    func testSubcommandHelpMatchesGolden() throws {
        let expected = """
            OVERVIEW: Train on this machine with several worker processes.

            USAGE: thaw local [--workers <count>] [--learning-rate-scale <factor>]
                   [--shift <epochs>] [--transport <kind>] [--verbose] <run-file>
                   [<checkpoint>]

            ARGUMENTS:
              <run-file>              The JSON run file that describes the model, the data
                                      and the training phases.
              <checkpoint>            A checkpoint to resume from.

            OPTIONS:
              -w, --workers <count>   The number of worker processes to start. (default: 2)
              --learning-rate-scale <factor>
                                      Multiplies every phase's learning rate, for quick
                                      experiments without editing the run file.
              --shift <epochs>        Moves every phase switch by this many epochs.
              --transport <kind>      How workers talk to each other. (values: tls, memory;
                                      default: tls)
              -v, --verbose           Print one line per step instead of a progress bar.
              -h, --help              Show help information.

            """
        XCTAssertEqual(try self.help(["local", "--help"]), expected)
    }

    func testRequiredAndRepeatableOptionsShowInUsage() throws {
        let expected = """
            OVERVIEW: Join a coordinator as a worker.

            USAGE: thaw worker --coordinator <host:port> [--peer <host:port> ...]

            OPTIONS:
              --coordinator <host:port>
                                      Where the coordinator listens.
              --peer <host:port>      Another worker to connect to; give once per worker.
              -h, --help              Show help information.

            """
        XCTAssertEqual(try self.help(["worker", "-h"]), expected)
    }

    func testHelpWinsOverOtherwiseInvalidArguments() throws {
        let viaInvalidValue = try self.help(["local", "--workers", "x", "--help"])
        let viaOptionValue = try self.help(["local", "--workers", "worker", "-h"])

        XCTAssertEqual(viaInvalidValue, try self.help(["local", "--help"]))
        XCTAssertEqual(viaOptionValue, try self.help(["local", "--help"]))
    }

    func testHelpAfterDoubleDashIsAnArgument() throws {
        let outcome = try CommandParser(root: SampleTool.self).parse(["local", "--", "--help"])

        guard case .run(let command as SampleLocal) = outcome else { return XCTFail("expected a run") }
        XCTAssertEqual(command.arguments.path("run-file")?.lastPathComponent, "--help")
    }
}
