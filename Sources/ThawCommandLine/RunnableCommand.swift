/// A command that does work once its arguments are parsed.
public protocol RunnableCommand: Command {
    /// Builds the command from arguments already checked against ``Command/configuration``.
    ///
    /// - Throws: ``CommandLineError/invalidCombination(command:message:)`` when values are each valid but
    ///   do not make sense together; the tool prints the message and exits with the usage status.
    init(from arguments: ParsedArguments) throws(CommandLineError)

    /// Does the command's work.
    ///
    /// - Throws: Any error; the tool prints its description to standard error and exits with status 1,
    ///   or with the usage status 64 for a ``CommandLineError``.
    func run() async throws
}
