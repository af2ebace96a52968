/// An option that takes a value: `--workers 2` or `--workers=2`, and `-w 2` when it has a short name.
public struct CommandOption: Sendable {
    /// The long name without dashes, such as `workers`; it is also the key in ``ParsedArguments``.
    public var name: String

    /// The one-letter name used with a single dash, if any.
    public var shortName: Character?

    /// The placeholder for the value in help, without angle brackets, such as `count`.
    public var valueName: String

    /// What the option does, in full sentences.
    public var help: String

    /// The values the option accepts and how they are converted.
    public var kind: ValueKind

    /// The value used when the option is not given, written as on the command line; `nil` for none.
    public var defaultValue: String?

    /// Whether leaving the option out is a usage error.
    public var isRequired: Bool

    /// Whether the option may be given more than once, collecting every value in order.
    public var isRepeatable: Bool

    /// A valid value shown in error messages, such as `2` in `thaw local --workers 2 run.json`.
    public var example: String

    /// Describes an option. Misuse traps: a default value must be valid for `kind`, and a required option
    /// cannot have a default.
    public init(
        name: String,
        shortName: Character? = nil,
        valueName: String,
        help: String,
        kind: ValueKind,
        defaultValue: String? = nil,
        isRequired: Bool = false,
        isRepeatable: Bool = false,
        example: String
    ) {
        precondition(!(isRequired && defaultValue != nil), "--\(name) cannot be both required and defaulted")
        if let defaultValue {
            precondition(kind.convert(defaultValue) != nil, "--\(name) has an invalid default '\(defaultValue)'")
        }
        precondition(kind.convert(example) != nil, "--\(name) has an invalid example '\(example)'")

        self.name = name
        self.shortName = shortName
        self.valueName = valueName
        self.help = help
        self.kind = kind
        self.defaultValue = defaultValue
        self.isRequired = isRequired
        self.isRepeatable = isRepeatable
        self.example = example
    }
}
