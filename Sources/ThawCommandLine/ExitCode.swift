/// A process exit status, following the BSD `sysexits.h` conventions where they apply.
public struct ExitCode: RawRepresentable, Sendable, Equatable, CustomStringConvertible {
    /// The status passed to `exit`.
    public var rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The command did what was asked, or printed the help that was asked for.
    public static let success = ExitCode(rawValue: 0)

    /// The command started but failed.
    public static let failure = ExitCode(rawValue: 1)

    /// The command line was wrong (`EX_USAGE`).
    public static let usage = ExitCode(rawValue: 64)

    public var description: String {
        "exit status \(self.rawValue)"
    }
}
