/// Why a run file could not be used. Every message names the file, says what is wrong and where, and
/// how to fix it.
public enum RunConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)

    /// The file is not JSON.
    case malformedJSON(file: String, reason: String)

    /// An object has a key that Thaw does not know, often a typo; `location` is the object's key path
    /// (empty for the top level) and `validKeys` the keys it may have.
    case unknownKey(file: String, location: String, key: String, validKeys: [String])

    /// A required key is absent.
    case missingKey(file: String, keyPath: String)

    /// A value has the wrong JSON type, or is null where a value is required.
    case wrongType(file: String, keyPath: String, expected: String)

    /// A string is not one of the accepted words or forms.
    case notOneOf(file: String, keyPath: String, value: String, allowed: String)

    /// A value of the right type is out of range or inconsistent with another; `fix` says what to change.
    case invalidValue(file: String, keyPath: String, problem: String, fix: String)

    /// A path uses `${variable}` but the environment does not define it.
    case undefinedVariable(file: String, keyPath: String, variable: String)

    /// The file the error is about, as given to ``RunConfiguration/load(from:environment:)``.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .malformedJSON(let file, _), .unknownKey(let file, _, _, _),
            .missingKey(let file, _), .wrongType(let file, _, _), .notOneOf(let file, _, _, _),
            .invalidValue(let file, _, _, _), .undefinedVariable(let file, _, _):
            return file
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "Cannot read run file \(file): \(reason). Check the path and its permissions."

        case .malformedJSON(let file, let reason):
            return "Run file \(file) is not valid JSON: \(reason). "
                + "Check for missing commas, quotes or brackets (python3 -m json.tool shows the line)."

        case .unknownKey(let file, let location, let key, let validKeys):
            let place = location.isEmpty ? "at the top level" : "in \(location)"
            return "\(file): unknown key \"\(key)\" \(place). Valid keys there: "
                + validKeys.joined(separator: ", ") + "."

        case .missingKey(let file, let keyPath):
            return "\(file): \(keyPath) is missing. Add it; it has no default."

        case .wrongType(let file, let keyPath, let expected):
            return "\(file): \(keyPath) must be \(expected)."

        case .notOneOf(let file, let keyPath, let value, let allowed):
            return "\(file): \(keyPath) must be one of \(allowed), got \"\(value)\"."

        case .invalidValue(let file, let keyPath, let problem, let fix):
            return "\(file): \(keyPath) \(problem). \(fix)"

        case .undefinedVariable(let file, let keyPath, let variable):
            return "\(file): \(keyPath) uses ${\(variable)}, which is not set in the environment. "
                + "Set \(variable) (for THAW_CACHE, the folder scripts/setup fills) or write the path out in full."
        }
    }
}
