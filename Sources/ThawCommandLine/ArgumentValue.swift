import Foundation

/// A value from the command line, converted according to its ``ValueKind``.
public enum ArgumentValue: Sendable, Equatable {
    /// From ``ValueKind/integer(_:)``.
    case integer(Int)

    /// From ``ValueKind/number(_:)``.
    case number(Double)

    /// From ``ValueKind/text`` and ``ValueKind/choice(_:)``.
    case text(String)

    /// From ``ValueKind/path``: a file URL, made absolute against the current directory.
    case path(URL)
}
