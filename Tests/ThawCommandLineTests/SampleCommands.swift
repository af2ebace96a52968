import Foundation
import Synchronization
import ThawCommandLine

/// A small command tree shaped like the `thaw` tool, used by the parser and help tests.
enum SampleTool: Command {
    static let configuration = CommandConfiguration(
        name: "thaw",
        abstract: "Train an image classifier on several processes or hosts.",
        discussion: """
            Thaw fine-tunes a pretrained network in phases: it trains a new head on a frozen base, then \
            unfreezes the base and trains on with a smaller learning rate.

                thaw local --workers 2 run.json
            """,
        subcommands: [SampleLocal.self, SampleWorker.self]
    )
}

/// A runnable leaf with every kind of option, a flag, and a required and an optional argument.
struct SampleLocal: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "local",
        abstract: "Train on this machine with several worker processes.",
        options: [
            CommandOption(
                name: "workers",
                shortName: "w",
                valueName: "count",
                help: "The number of worker processes to start.",
                kind: .integer(1...64),
                defaultValue: "2",
                example: "2"
            ),
            CommandOption(
                name: "learning-rate-scale",
                valueName: "factor",
                help: "Multiplies every phase's learning rate, for quick experiments without editing the run file.",
                kind: .number(0...100),
                example: "0.5"
            ),
            CommandOption(
                name: "shift",
                valueName: "epochs",
                help: "Moves every phase switch by this many epochs.",
                kind: .anyInteger,
                example: "-1"
            ),
            CommandOption(
                name: "transport",
                valueName: "kind",
                help: "How workers talk to each other.",
                kind: .choice(["tls", "memory"]),
                defaultValue: "tls",
                example: "tls"
            ),
        ],
        flags: [
            CommandFlag(name: "verbose", shortName: "v", help: "Print one line per step instead of a progress bar.")
        ],
        arguments: [
            CommandArgument(
                valueName: "run-file",
                help: "The JSON run file that describes the model, the data and the training phases.",
                kind: .path,
                example: "run.json"
            ),
            CommandArgument(
                valueName: "checkpoint",
                help: "A checkpoint to resume from.",
                kind: .path,
                isOptional: true,
                example: "runs/demo/last.safetensors"
            ),
        ]
    )

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        if arguments.isSet("verbose") && arguments.text("transport") == "memory" {
            throw .invalidCombination(
                command: "thaw local",
                message: "--verbose cannot be used with --transport memory. Leave one of them out."
            )
        }
        self.arguments = arguments
    }

    func run() async throws {
        SampleLog.shared.record(self.arguments)
        if self.arguments.integer("workers") == 13 {
            throw SampleFailure.unluckyWorkerCount
        }
    }
}

/// A runnable leaf with a required and a repeatable option and no positional arguments.
struct SampleWorker: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "worker",
        abstract: "Join a coordinator as a worker.",
        options: [
            CommandOption(
                name: "coordinator",
                valueName: "host:port",
                help: "Where the coordinator listens.",
                kind: .text,
                isRequired: true,
                example: "10.0.0.1:7000"
            ),
            CommandOption(
                name: "peer",
                valueName: "host:port",
                help: "Another worker to connect to; give once per worker.",
                kind: .text,
                isRepeatable: true,
                example: "10.0.0.2:7001"
            ),
        ]
    )

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
    }

    func run() async throws {
        SampleLog.shared.record(self.arguments)
    }
}

/// An error a sample command throws while running.
enum SampleFailure: Error, CustomStringConvertible {
    case unluckyWorkerCount

    var description: String {
        "local run failed: 13 workers is unlucky. Choose another count."
    }
}

/// Remembers what sample commands ran with, so tests can check the tool ran them.
final class SampleLog: Sendable {
    static let shared = SampleLog()

    private let runs = Mutex<[ParsedArguments]>([])

    func record(_ arguments: ParsedArguments) {
        self.runs.withLock { $0.append(arguments) }
    }

    var last: ParsedArguments? {
        self.runs.withLock { $0.last }
    }
}

/// Collects text written to a sink.
final class TextCollector: Sendable {
    private let text = Mutex("")

    var sink: CommandLineTool.Sink {
        { chunk in self.text.withLock { $0 += chunk } }
    }

    var contents: String {
        self.text.withLock { $0 }
    }
}
