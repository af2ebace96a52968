/// The values collected for the command reached so far while ``CommandParser`` walks a command line.
struct ParseState {
    private(set) var command: any Command.Type
    private(set) var path: [String]
    private(set) var configuration: CommandConfiguration
    private var values: [String: [ArgumentValue]] = [:]
    private var setFlags: Set<String> = []
    var positionals: [String] = []

    init(command: any Command.Type, path: [String]) {
        self.command = command
        self.path = path
        self.configuration = command.configuration
    }

    private var commandName: String {
        self.path.joined(separator: " ")
    }

    /// Moves to the subcommand named `word`; values given to the group before it are dropped.
    mutating func descend(into word: String) throws(CommandLineError) {
        let names = self.configuration.subcommands.map { $0.configuration.name }
        guard let subcommand = self.configuration.subcommands.first(where: { $0.configuration.name == word }) else {
            throw .unknownSubcommand(
                command: self.commandName,
                word: word,
                suggestion: SpellingSuggester.suggestion(for: word, among: names),
                subcommands: names
            )
        }

        self = ParseState(command: subcommand, path: self.path + [word])
    }

    /// Reads one option or flag starting at `word`, taking its value from the next word when needed.
    mutating func consumeOption(_ word: String, words: [String], index: inout Int) throws(CommandLineError) {
        let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let spelled = String(parts[0])
        let inlineValue = parts.count == 2 ? String(parts[1]) : nil

        if let flag = self.configuration.flag(matching: spelled) {
            if inlineValue != nil {
                throw .flagWithValue(command: self.commandName, flag: spelled, value: word)
            }
            self.setFlags.insert(flag.name)
            return
        }

        guard let option = self.configuration.option(matching: spelled) else {
            throw .unknownOption(
                command: self.commandName,
                option: spelled,
                suggestion: spelled.hasPrefix("--") ? self.suggestion(for: spelled) : nil
            )
        }

        let value: String
        if let inlineValue {
            value = inlineValue
        } else if index < words.endIndex, !CommandParser.looksLikeOption(words[index]), words[index] != "--" {
            value = words[index]
            index += 1
        } else {
            throw .missingValue(
                command: self.commandName,
                option: "--\(option.name)",
                expectation: option.kind.expectation,
                example: self.example(showing: option)
            )
        }

        try self.record(value, for: option)
    }

    /// Checks what is still missing and builds the command to run.
    func finish() throws(CommandLineError) -> any RunnableCommand {
        guard let runnable = self.command as? any RunnableCommand.Type else {
            throw .missingSubcommand(
                command: self.commandName,
                subcommands: self.configuration.subcommands.map { $0.configuration.name }
            )
        }

        var values = self.values
        let declared = self.configuration.arguments
        let takesTheRest = declared.last?.isRepeating == true
        if !takesTheRest && self.positionals.count > declared.count {
            throw .unexpectedArgument(
                command: self.commandName,
                value: self.positionals[declared.count],
                accepted: declared.map { $0.isOptional ? "[<\($0.valueName)>]" : "<\($0.valueName)>" }
            )
        }

        for (position, argument) in declared.enumerated() {
            guard position < self.positionals.count else {
                if argument.isOptional { continue }
                throw .missingArgument(
                    command: self.commandName,
                    argument: "<\(argument.valueName)>",
                    help: argument.help,
                    example: self.example(showing: nil)
                )
            }
            let words = argument.isRepeating ? Array(self.positionals[position...]) : [self.positionals[position]]
            var converted: [ArgumentValue] = []
            for word in words {
                guard let value = argument.kind.convert(word) else {
                    throw .invalidValue(
                        command: self.commandName,
                        name: "<\(argument.valueName)>",
                        expectation: argument.kind.expectation,
                        value: word,
                        example: self.example(showing: nil)
                    )
                }
                converted.append(value)
            }
            values[argument.valueName] = converted
        }

        for option in self.configuration.options where values[option.name] == nil {
            if option.isRequired {
                throw .missingOption(
                    command: self.commandName,
                    option: "--\(option.name)",
                    example: self.example(showing: option)
                )
            }
            if let defaultValue = option.defaultValue, let value = option.kind.convert(defaultValue) {
                values[option.name] = [value]
            }
        }

        let names =
            self.configuration.options.map(\.name) + self.configuration.flags.map(\.name)
            + declared.map(\.valueName)
        let arguments = ParsedArguments(
            commandPath: self.path,
            values: values,
            setFlags: self.setFlags,
            declaredNames: Set(names)
        )
        return try runnable.init(from: arguments)
    }

    private mutating func record(_ word: String, for option: CommandOption) throws(CommandLineError) {
        guard let value = option.kind.convert(word) else {
            throw .invalidValue(
                command: self.commandName,
                name: "--\(option.name)",
                expectation: option.kind.expectation,
                value: word,
                example: self.example(showing: option)
            )
        }

        if self.values[option.name] != nil && !option.isRepeatable {
            throw .repeatedOption(command: self.commandName, option: "--\(option.name)")
        }
        self.values[option.name, default: []].append(value)
    }

    private func suggestion(for spelled: String) -> String? {
        let candidates =
            self.configuration.options.map { "--\($0.name)" }
            + self.configuration.flags.map { "--\($0.name)" } + ["--help"]
        return SpellingSuggester.suggestion(for: spelled, among: candidates)
    }

    /// A complete, valid command line: the command, its required options, `option` if given, and its
    /// required positional arguments, each with its example value.
    private func example(showing option: CommandOption?) -> String {
        var words = self.path
        for candidate in self.configuration.options where candidate.isRequired || candidate.name == option?.name {
            words += ["--\(candidate.name)", candidate.example]
        }
        for argument in self.configuration.arguments where !argument.isOptional {
            words.append(argument.example)
        }
        return words.joined(separator: " ")
    }
}
