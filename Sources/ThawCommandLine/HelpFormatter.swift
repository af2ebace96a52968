/// Renders a command's help: overview, discussion, usage, arguments, options and subcommands, wrapped to
/// a fixed width with the descriptions in one column.
public struct HelpFormatter: Sendable {
    /// The column at which lines are wrapped.
    public let width: Int

    /// Where descriptions start: two spaces of indent plus room for a label such as `-w, --workers <count>`.
    private let descriptionColumn = 26

    /// Creates a formatter that wraps at `width` columns.
    public init(width: Int = 80) {
        self.width = width
    }

    /// The full help text of `command`, ending with a newline.
    ///
    /// - Parameter commandPath: The command names from the root, such as `["thaw", "local"]`.
    public func help(for command: any Command.Type, commandPath: [String]) -> String {
        let configuration = command.configuration
        let name = commandPath.joined(separator: " ")
        var sections: [String] = []

        sections.append(self.wrap("OVERVIEW: " + configuration.abstract, indent: 0))

        if !configuration.discussion.isEmpty {
            sections.append(self.paragraphs(configuration.discussion))
        }

        let usageUnits = ["USAGE:"] + self.usageUnits(for: command, commandPath: commandPath)
        sections.append(self.fill(usageUnits, indent: 7, prefix: ""))

        if !configuration.arguments.isEmpty {
            let rows = configuration.arguments.map { ("<\($0.valueName)>", $0.help) }
            sections.append("ARGUMENTS:\n" + self.table(rows))
        }

        var optionRows = configuration.options.map { option in
            (self.label(for: option), option.help + self.annotation(for: option))
        }
        optionRows += configuration.flags.map { flag in
            (self.label(long: flag.name, short: flag.shortName), flag.help)
        }
        optionRows.append(("-h, --help", "Show help information."))
        sections.append("OPTIONS:\n" + self.table(optionRows))

        if !configuration.subcommands.isEmpty {
            let rows = configuration.subcommands.map { ($0.configuration.name, $0.configuration.abstract) }
            let hint = self.wrap("See '\(name) <subcommand> --help' for detailed help.", indent: 2, prefix: "  ")
            sections.append("SUBCOMMANDS:\n" + self.table(rows) + "\n\n" + hint)
        }

        return sections.joined(separator: "\n\n") + "\n"
    }

    /// The one-line synopsis, such as `thaw local [--workers <count>] [--verbose] <run-file>`.
    public func usage(for command: any Command.Type, commandPath: [String]) -> String {
        self.usageUnits(for: command, commandPath: commandPath).joined(separator: " ")
    }

    /// The synopsis in pieces that are never split across lines, such as `[--workers <count>]`.
    private func usageUnits(for command: any Command.Type, commandPath: [String]) -> [String] {
        let configuration = command.configuration
        var words = commandPath

        for option in configuration.options {
            let repeated = option.isRepeatable ? " ..." : ""
            let word = "--\(option.name) <\(option.valueName)>\(repeated)"
            words.append(option.isRequired ? word : "[\(word)]")
        }
        words += configuration.flags.map { "[--\($0.name)]" }

        if command is any RunnableCommand.Type {
            words += configuration.arguments.map { argument in
                let word = "<\(argument.valueName)>" + (argument.isRepeating ? " ..." : "")
                return argument.isOptional ? "[\(word)]" : word
            }
        } else {
            words.append("<subcommand>")
        }
        return words
    }

    private func label(for option: CommandOption) -> String {
        self.label(long: option.name, short: option.shortName) + " <\(option.valueName)>"
    }

    private func label(long: String, short: Character?) -> String {
        short.map { "-\($0), --\(long)" } ?? "--\(long)"
    }

    private func annotation(for option: CommandOption) -> String {
        var notes: [String] = []
        if case .choice(let words) = option.kind {
            notes.append("values: " + words.joined(separator: ", "))
        }
        if let defaultValue = option.defaultValue {
            notes.append("default: " + defaultValue)
        }
        return notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"
    }

    /// Two columns: labels indented by two spaces, descriptions wrapped at ``descriptionColumn``. A label
    /// too wide for its column gets a line of its own.
    private func table(_ rows: [(label: String, description: String)]) -> String {
        let padding = String(repeating: " ", count: self.descriptionColumn)
        return rows.map { row in
            let label = "  " + row.label
            if label.count + 2 > self.descriptionColumn {
                return label + "\n" + self.wrap(row.description, indent: self.descriptionColumn, prefix: padding)
            }
            let prefix = label + String(repeating: " ", count: self.descriptionColumn - label.count)
            return self.wrap(row.description, indent: self.descriptionColumn, prefix: prefix)
        }
        .joined(separator: "\n")
    }

    /// Paragraphs separated by blank lines; a paragraph whose lines all start with a space is kept as
    /// written (for examples), the others are reflowed.
    private func paragraphs(_ text: String) -> String {
        text.split(separator: "\n\n", omittingEmptySubsequences: true).map { paragraph in
            let lines = paragraph.split(separator: "\n")
            if lines.allSatisfy({ $0.hasPrefix(" ") }) {
                return String(paragraph)
            }
            return self.wrap(String(paragraph), indent: 0)
        }
        .joined(separator: "\n\n")
    }

    /// Fills words into lines no wider than ``width``; the first line starts with `prefix` (default: the
    /// start of `text` itself), later lines with `indent` spaces. A word longer than a line gets one alone.
    private func wrap(_ text: String, indent: Int, prefix: String = "") -> String {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        return self.fill(words, indent: indent, prefix: prefix)
    }

    /// Fills pieces of text into lines as ``wrap(_:indent:prefix:)`` does with words.
    private func fill(_ words: [String], indent: Int, prefix: String) -> String {
        var lines: [String] = []
        var line = prefix
        var lineHasWord = false

        for word in words {
            if lineHasWord && line.count + 1 + word.count > self.width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
