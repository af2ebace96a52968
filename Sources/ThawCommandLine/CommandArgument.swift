/// A positional argument, such as the run file in `thaw local run.json`.
public struct CommandArgument: Sendable {
    /// The placeholder in help, without angle brackets, such as `run-file`; it is also the key in
    /// ``ParsedArguments``.
    public var valueName: String

    /// What the argument is, in full sentences.
    public var help: String

    /// The values the argument accepts and how they are converted.
    public var kind: ValueKind

    /// Whether the argument may be left out; optional arguments come after the required ones.
    public var isOptional: Bool

    /// Whether the argument takes every remaining positional word (one or more); only the last
    /// argument may repeat. ``ParsedArguments/values(of:)`` returns them all.
    public var isRepeating: Bool

    /// A valid value shown in error messages and examples, such as `run.json`.
    public var example: String

    /// Describes a positional argument. Misuse traps: the example must be valid for `kind`.
    public init(
        valueName: String, help: String, kind: ValueKind, isOptional: Bool = false, isRepeating: Bool = false,
        example: String
    ) {
        precondition(kind.convert(example) != nil, "<\(valueName)> has an invalid example '\(example)'")

        self.valueName = valueName
        self.help = help
        self.kind = kind
        self.isOptional = isOptional
        self.isRepeating = isRepeating
        self.example = example
    }
}
