/// Turns a broken validation rule into ``RunConfigurationError/invalidValue(file:keyPath:problem:fix:)``
/// naming the run file.
struct RuleChecker {
    /// The file named in error messages.
    let source: String

    /// Throws unless `holds`; `problem` follows the key path in the message ("must be at least 1, got 0").
    func require(
        _ holds: Bool,
        at keyPath: String,
        _ problem: @autoclosure () -> String,
        fix: @autoclosure () -> String
    ) throws(RunConfigurationError) {
        guard !holds else { return }
        throw .invalidValue(file: self.source, keyPath: keyPath, problem: problem(), fix: fix())
    }
}
