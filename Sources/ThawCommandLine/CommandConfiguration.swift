/// What a command is called, what it does, and what it accepts.
///
/// Help text is written in full sentences; ``HelpFormatter`` wraps it to the terminal width.
public struct CommandConfiguration: Sendable {
    /// The word that selects this command on the command line, such as `local`.
    public var name: String

    /// One sentence saying what the command does, shown in its help and in its parent's subcommand list.
    public var abstract: String

    /// Paragraphs that explain the command in more depth, separated by blank lines; may be empty.
    public var discussion: String

    /// Options that take a value, in the order they are listed in help.
    public var options: [CommandOption]

    /// Flags that take no value, listed in help after the options.
    public var flags: [CommandFlag]

    /// Positional arguments in the order they must appear.
    public var arguments: [CommandArgument]

    /// Commands selected by the first positional word after this command's name.
    public var subcommands: [any Command.Type]

    /// Describes a command.
    ///
    /// Misuse traps: names must be unique among the options and flags, `-h` and `--help` are reserved,
    /// and a required positional argument may not follow an optional one.
    public init(
        name: String,
        abstract: String,
        discussion: String = "",
        options: [CommandOption] = [],
        flags: [CommandFlag] = [],
        arguments: [CommandArgument] = [],
        subcommands: [any Command.Type] = []
    ) {
        let longNames = options.map(\.name) + flags.map(\.name)
        precondition(Set(longNames).count == longNames.count, "\(name): option and flag names must be unique")
        precondition(!longNames.contains("help"), "\(name): --help is reserved for help")

        let shortNames = options.compactMap(\.shortName) + flags.compactMap(\.shortName)
        precondition(Set(shortNames).count == shortNames.count, "\(name): short names must be unique")
        precondition(!shortNames.contains("h"), "\(name): -h is reserved for help")

        precondition(
            arguments.dropLast().allSatisfy { !$0.isRepeating }, "\(name): only the last argument may repeat")

        let firstOptional = arguments.firstIndex { $0.isOptional } ?? arguments.endIndex
        precondition(
            arguments[firstOptional...].allSatisfy(\.isOptional),
            "\(name): a required argument may not follow an optional one"
        )

        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.flags = flags
        self.arguments = arguments
        self.subcommands = subcommands
    }
}
