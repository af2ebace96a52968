/// A problem found while decoding a run file, before the decoder's caller has named the file.
///
/// ``RunConfiguration/decode(from:source:)`` turns it into a ``RunConfigurationError`` naming the file.
enum RunFileIssue: Error, CustomStringConvertible {
    /// An object has a key its type does not declare; `location` is the object's key path.
    case unknownKey(location: String, key: String, validKeys: [String])

    /// A required key is absent.
    case missingKey(keyPath: String)

    /// A value has the wrong JSON type, or is null where a value is required.
    case wrongType(keyPath: String, expected: String)

    /// A string is not one of the accepted words.
    case notOneOf(keyPath: String, value: String, allowed: String)

    /// The same problem, attributed to `file`.
    func attributed(to file: String) -> RunConfigurationError {
        switch self {
        case .unknownKey(let location, let key, let validKeys):
            return .unknownKey(file: file, location: location, key: key, validKeys: validKeys)
        case .missingKey(let keyPath):
            return .missingKey(file: file, keyPath: keyPath)
        case .wrongType(let keyPath, let expected):
            return .wrongType(file: file, keyPath: keyPath, expected: expected)
        case .notOneOf(let keyPath, let value, let allowed):
            return .notOneOf(file: file, keyPath: keyPath, value: value, allowed: allowed)
        }
    }

    var description: String {
        self.attributed(to: "run configuration").description
    }

    /// A coding path as written in messages, such as `phases[1].optimizer.learningRate`.
    static func render(_ path: [any CodingKey]) -> String {
        var rendered = ""
        for key in path {
            if let index = key.intValue {
                rendered += "[\(index)]"
            } else {
                rendered += rendered.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return rendered
    }
}
