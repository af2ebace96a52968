import Foundation

/// Runs a command tree as a program: parses the arguments, prints help or errors, runs the command, and
/// returns the exit status.
///
/// Help goes to standard output with ``ExitCode/success``. Usage errors go to standard error with a
/// pointer to `--help` and ``ExitCode/usage``. An error thrown by a running command goes to standard error
/// with ``ExitCode/failure``. Output goes through injected sinks so tests can capture it.
public struct CommandLineTool: Sendable {
    /// Receives text for standard output or standard error, newlines included.
    public typealias Sink = @Sendable (String) -> Void

    private let root: any Command.Type
    private let standardOutput: Sink
    private let standardError: Sink

    /// Creates a tool for the command tree under `root`, writing to the process's standard streams unless
    /// other sinks are given.
    public init(
        root: any Command.Type,
        standardOutput: @escaping Sink = { FileHandle.standardOutput.write(Data($0.utf8)) },
        standardError: @escaping Sink = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.root = root
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Parses `arguments` (the words after the program name) and does what they ask.
    public func run(arguments: [String]) async -> ExitCode {
        let outcome: CommandParser.Outcome
        do {
            outcome = try CommandParser(root: self.root).parse(arguments)
        } catch {
            self.report(error)
            return .usage
        }

        switch outcome {
        case .help(let text):
            self.standardOutput(text)
            return .success

        case .run(let command):
            do {
                try await command.run()
                return .success
            } catch let error as CommandLineError {
                self.report(error)
                return .usage
            } catch {
                self.standardError("Error: \(error)\n")
                return .failure
            }
        }
    }

    private func report(_ error: CommandLineError) {
        self.standardError("Error: \(error)\n" + "See '\(error.command) --help' for more information.\n")
    }
}
