/// Matches a command line against a tree of commands: finds the subcommand, converts option and argument
/// values, and either builds the command to run or renders the help that was asked for.
///
/// Parsing is pure: it reads only the words it is given and writes nothing. ``CommandLineTool`` carries out
/// the outcome.
///
/// Rules:
/// - `--help` or `-h` anywhere before `--` asks for the help of the deepest subcommand named.
/// - Options take their value as `--name value`, `--name=value` or `-n value`. A value may start with a
///   dash only when it is a number (`--shift -1`) or given with `=`.
/// - `--` ends options: every later word is a positional argument.
/// - A command with subcommands takes its first positional word as the subcommand's name.
public struct CommandParser {
    /// What the command line asks for.
    public enum Outcome {
        /// Print this help text to standard output and exit with ``ExitCode/success``.
        case help(String)

        /// Run this command, built from its parsed arguments.
        case run(any RunnableCommand)
    }

    /// The command whose name starts every command line.
    public let root: any Command.Type

    /// The column at which help text is wrapped.
    public let helpWidth: Int

    /// Creates a parser for the command tree under `root`.
    public init(root: any Command.Type, helpWidth: Int = 80) {
        self.root = root
        self.helpWidth = helpWidth
    }

    /// Parses the words after the program name.
    ///
    /// - Throws: ``CommandLineError`` for anything the commands do not accept, naming what is wrong and
    ///   what to type instead.
    public func parse(_ words: [String]) throws(CommandLineError) -> Outcome {
        let terminator = words.firstIndex(of: "--") ?? words.endIndex
        if words[..<terminator].contains(where: { $0 == "--help" || $0 == "-h" }) {
            let (command, path) = self.resolveForHelp(words[..<terminator])
            return .help(HelpFormatter(width: self.helpWidth).help(for: command, commandPath: path))
        }

        var state = ParseState(command: self.root, path: [self.root.configuration.name])
        var index = words.startIndex
        var optionsEnded = false

        while index < words.endIndex {
            let word = words[index]
            index += 1

            if !optionsEnded && word == "--" {
                optionsEnded = true
            } else if !optionsEnded && Self.looksLikeOption(word) {
                try state.consumeOption(word, words: words, index: &index)
            } else if state.positionals.isEmpty && !state.configuration.subcommands.isEmpty && !optionsEnded {
                try state.descend(into: word)
            } else {
                state.positionals.append(word)
            }
        }

        return .run(try state.finish())
    }

    /// Whether a word is an option or flag rather than a value: it starts with a dash and is neither a
    /// lone dash (often "standard input") nor a negative number.
    static func looksLikeOption(_ word: String) -> Bool {
        word.hasPrefix("-") && word != "-" && Double(word) == nil
    }

    private func resolveForHelp(_ words: ArraySlice<String>) -> (any Command.Type, [String]) {
        var command = self.root
        var path = [self.root.configuration.name]
        var index = words.startIndex

        while index < words.endIndex {
            let word = words[index]
            index += 1

            let configuration = command.configuration
            if Self.looksLikeOption(word) {
                let takesValue = !word.contains("=") && configuration.option(matching: word) != nil
                if takesValue { index += 1 }
            } else if let subcommand = configuration.subcommands.first(where: { $0.configuration.name == word }) {
                command = subcommand
                path.append(word)
            }
        }
        return (command, path)
    }
}

extension CommandConfiguration {
    /// The option named by a word such as `--workers`, `--workers=2` or `-w`.
    func option(matching word: String) -> CommandOption? {
        if word.hasPrefix("--") {
            let name = word.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return self.options.first { $0.name == name }
        }
        guard word.count == 2, let letter = word.last else { return nil }
        return self.options.first { $0.shortName == letter }
    }

    /// The flag named by a word such as `--verbose` or `-v`.
    func flag(matching word: String) -> CommandFlag? {
        if word.hasPrefix("--") {
            let name = word.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return self.flags.first { $0.name == name }
        }
        guard word.count == 2, let letter = word.last else { return nil }
        return self.flags.first { $0.shortName == letter }
    }
}
