/// A switch that takes no value, such as `--verbose`; it is off unless given.
public struct CommandFlag: Sendable {
    /// The long name without dashes; it is also the key in ``ParsedArguments``.
    public var name: String

    /// The one-letter name used with a single dash, if any.
    public var shortName: Character?

    /// What turning the flag on does, in full sentences.
    public var help: String

    /// Describes a flag.
    public init(name: String, shortName: Character? = nil, help: String) {
        self.name = name
        self.shortName = shortName
        self.help = help
    }
}
