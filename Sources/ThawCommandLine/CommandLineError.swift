/// A command line that does not match the commands' configurations.
///
/// Each case names the command as typed so far (`command`, such as `thaw local`); its description is
/// one message saying what is wrong and what to type instead. ``CommandLineTool`` prints it to standard
/// error with a pointer to `--help` and exits with ``ExitCode/usage``.
public enum CommandLineError: Error, CustomStringConvertible, Equatable {
    /// A word starting with a dash that is no option or flag of the command; `suggestion` is the
    /// closest spelling, such as `--workers`, when one is close enough.
    case unknownOption(command: String, option: String, suggestion: String?)

    /// An option given last, or followed by another option, so it has no value.
    case missingValue(command: String, option: String, expectation: String, example: String)

    /// A value the option or argument does not accept; `name` is `--workers` or `<run-file>`.
    case invalidValue(command: String, name: String, expectation: String, value: String, example: String)

    /// A flag written with `=value`.
    case flagWithValue(command: String, flag: String, value: String)

    /// A non-repeatable option given more than once.
    case repeatedOption(command: String, option: String)

    /// A required option that was left out.
    case missingOption(command: String, option: String, example: String)

    /// A required positional argument that was left out; `help` says what it is.
    case missingArgument(command: String, argument: String, help: String, example: String)

    /// More positional arguments than the command takes; `accepted` lists the ones it does take.
    case unexpectedArgument(command: String, value: String, accepted: [String])

    /// A command that only groups subcommands was run without one.
    case missingSubcommand(command: String, subcommands: [String])

    /// A word in subcommand position that names no subcommand.
    case unknownSubcommand(command: String, word: String, suggestion: String?, subcommands: [String])

    /// Values that are each valid but not together, reported by ``RunnableCommand/init(from:)``.
    case invalidCombination(command: String, message: String)

    /// The command as typed so far, such as `thaw local`, for pointing the user at its help.
    public var command: String {
        switch self {
        case .unknownOption(let command, _, _), .missingValue(let command, _, _, _),
            .invalidValue(let command, _, _, _, _), .flagWithValue(let command, _, _),
            .repeatedOption(let command, _), .missingOption(let command, _, _),
            .missingArgument(let command, _, _, _), .unexpectedArgument(let command, _, _),
            .missingSubcommand(let command, _), .unknownSubcommand(let command, _, _, _),
            .invalidCombination(let command, _):
            return command
        }
    }

    public var description: String {
        switch self {
        case .unknownOption(let command, let option, let suggestion):
            let hint = suggestion.map { " Did you mean \($0)?" } ?? ""
            return "\(command) has no option \(option).\(hint)"

        case .missingValue(_, let option, let expectation, let example):
            return "\(option) needs a value: \(expectation). Example: \(example)"

        case .invalidValue(_, let name, let expectation, let value, let example):
            return "\(name) expects \(expectation), got '\(value)'. Example: \(example)"

        case .flagWithValue(_, let flag, let value):
            return "\(flag) is a flag and takes no value, got '\(value)'. Write \(flag) alone to turn it on."

        case .repeatedOption(_, let option):
            return "\(option) was given more than once. Give it once."

        case .missingOption(_, let option, let example):
            return "Missing required option \(option). Example: \(example)"

        case .missingArgument(_, let argument, let help, let example):
            return "Missing \(argument): \(help) Example: \(example)"

        case .unexpectedArgument(let command, let value, let accepted):
            let takes = accepted.isEmpty ? "no positional arguments" : "only " + accepted.joined(separator: " ")
            return "Unexpected argument '\(value)': \(command) takes \(takes). "
                + "Put -- before values that start with a dash."

        case .missingSubcommand(let command, let subcommands):
            return "\(command) needs a subcommand: \(subcommands.joined(separator: ", ")). "
                + "Example: \(command) \(subcommands.first ?? "") --help"

        case .unknownSubcommand(let command, let word, let suggestion, let subcommands):
            let hint = suggestion.map { " Did you mean '\($0)'?" } ?? ""
            return "\(command) has no subcommand '\(word)'.\(hint) Subcommands: \(subcommands.joined(separator: ", "))."

        case .invalidCombination(_, let message):
            return message
        }
    }
}
