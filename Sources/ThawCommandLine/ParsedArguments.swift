import Foundation

/// The options, flags and positional arguments given to one command, converted and checked.
///
/// Options are keyed by long name (`workers`), positional arguments by value name (`run-file`). Options
/// that were not given hold their default, if they have one. Asking for a name the command does not
/// declare, or with the wrong type, is a programming error and traps.
public struct ParsedArguments: Sendable, Equatable {
    /// The command names from the root to this command, such as `["thaw", "local"]`.
    public let commandPath: [String]

    private let values: [String: [ArgumentValue]]
    private let setFlags: Set<String>
    private let declaredNames: Set<String>

    init(commandPath: [String], values: [String: [ArgumentValue]], setFlags: Set<String>, declaredNames: Set<String>) {
        self.commandPath = commandPath
        self.values = values
        self.setFlags = setFlags
        self.declaredNames = declaredNames
    }

    /// Whether the flag was given.
    public func isSet(_ flag: String) -> Bool {
        self.checkDeclared(flag)
        return self.setFlags.contains(flag)
    }

    /// Every value of a repeatable option in command-line order; empty when it was not given.
    public func values(of name: String) -> [ArgumentValue] {
        self.checkDeclared(name)
        return self.values[name] ?? []
    }

    /// The value of a ``ValueKind/integer(_:)`` option or argument, or `nil` when absent with no default.
    public func integer(_ name: String) -> Int? {
        guard let value = self.last(name) else { return nil }
        guard case .integer(let integer) = value else { preconditionFailure("\(name) is not a whole number") }
        return integer
    }

    /// The value of a ``ValueKind/number(_:)`` option or argument, or `nil` when absent with no default.
    public func number(_ name: String) -> Double? {
        guard let value = self.last(name) else { return nil }
        guard case .number(let number) = value else { preconditionFailure("\(name) is not a number") }
        return number
    }

    /// The value of a ``ValueKind/text`` or ``ValueKind/choice(_:)`` option or argument, or `nil` when
    /// absent with no default.
    public func text(_ name: String) -> String? {
        guard let value = self.last(name) else { return nil }
        guard case .text(let text) = value else { preconditionFailure("\(name) is not text") }
        return text
    }

    /// The value of a ``ValueKind/path`` option or argument, or `nil` when absent with no default.
    public func path(_ name: String) -> URL? {
        guard let value = self.last(name) else { return nil }
        guard case .path(let url) = value else { preconditionFailure("\(name) is not a path") }
        return url
    }

    private func last(_ name: String) -> ArgumentValue? {
        self.checkDeclared(name)
        return self.values[name]?.last
    }

    private func checkDeclared(_ name: String) {
        precondition(
            self.declaredNames.contains(name),
            "\(self.commandPath.joined(separator: " ")) declares nothing named '\(name)'"
        )
    }
}
