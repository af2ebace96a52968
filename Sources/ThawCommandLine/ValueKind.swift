import Foundation

/// The values an option or positional argument accepts, and the ``ArgumentValue`` each becomes.
public enum ValueKind: Sendable, Equatable {
    /// A whole number in the range, written in decimal; becomes ``ArgumentValue/integer(_:)``.
    /// Use `Int.min` or `Int.max` as a bound for "no bound".
    case integer(ClosedRange<Int>)

    /// A finite decimal number in the range; becomes ``ArgumentValue/number(_:)``.
    /// Use `-Double.greatestFiniteMagnitude` or `Double.greatestFiniteMagnitude` as a bound for "no bound".
    case number(ClosedRange<Double>)

    /// Any non-empty text; becomes ``ArgumentValue/text(_:)``.
    case text

    /// One of the listed words; becomes ``ArgumentValue/text(_:)``.
    case choice([String])

    /// A file or folder path, relative to the current directory unless absolute; becomes
    /// ``ArgumentValue/path(_:)``. Whether it exists is for the command to check.
    case path

    /// Any whole number.
    public static let anyInteger = ValueKind.integer(Int.min...Int.max)

    /// Any finite number.
    public static let anyNumber = ValueKind.number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)

    /// What the kind accepts, phrased to follow "expects", such as "a whole number from 1 to 64".
    public var expectation: String {
        switch self {
        case .integer(let range):
            return "a whole number"
                + Self.describeBounds(
                    lower: range.lowerBound == Int.min ? nil : String(range.lowerBound),
                    upper: range.upperBound == Int.max ? nil : String(range.upperBound)
                )

        case .number(let range):
            let unbounded = Double.greatestFiniteMagnitude
            return "a number"
                + Self.describeBounds(
                    lower: range.lowerBound == -unbounded ? nil : Self.format(range.lowerBound),
                    upper: range.upperBound == unbounded ? nil : Self.format(range.upperBound)
                )

        case .text:
            return "a non-empty value"

        case .choice(let words):
            return "one of " + words.joined(separator: ", ")

        case .path:
            return "a file or folder path"
        }
    }

    /// Converts a word from the command line, or returns `nil` when the kind does not accept it.
    public func convert(_ word: String) -> ArgumentValue? {
        switch self {
        case .integer(let range):
            guard let value = Int(word), range.contains(value) else { return nil }
            return .integer(value)

        case .number(let range):
            guard let value = Double(word), value.isFinite, range.contains(value) else { return nil }
            return .number(value)

        case .text:
            return word.isEmpty ? nil : .text(word)

        case .choice(let words):
            return words.contains(word) ? .text(word) : nil

        case .path:
            return word.isEmpty ? nil : .path(URL(fileURLWithPath: word))
        }
    }

    private static func describeBounds(lower: String?, upper: String?) -> String {
        switch (lower, upper) {
        case (let lower?, let upper?):
            return " from \(lower) to \(upper)"
        case (let lower?, nil):
            return " of at least \(lower)"
        case (nil, let upper?):
            return " of at most \(upper)"
        case (nil, nil):
            return ""
        }
    }

    private static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value))
        }
        return String(value)
    }
}
