/// A command of a command-line tool: the root tool itself, a group of subcommands, or a leaf that runs.
///
/// A type conforming only to `Command` describes itself and its subcommands but cannot run; invoking it
/// without a subcommand is a usage error. A type that also conforms to ``RunnableCommand`` is built from
/// the parsed arguments and run.
public protocol Command: SendableMetatype {
    /// The name, help text, options, flags, positional arguments and subcommands of this command.
    static var configuration: CommandConfiguration { get }
}
