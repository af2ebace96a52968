/// Which layers a phase trains; every other layer is frozen (no weight gradients, BatchNorm in inference
/// mode).
///
/// In a run file it is one of `"head"`, `"all"`, `{"top": N}` or `{"prefixes": ["features.17", ...]}`.
public enum TrainableLayers: Codable, Sendable, Equatable {
    /// Only the new classifier head.
    case head

    /// Every layer.
    case all

    /// The top `N` layers of the base, counted from the output, plus the head; `N` is at least 1.
    case top(Int)

    /// The layers whose parameter names start with one of these prefixes, plus the head.
    case prefixes([String])

    private enum Keys: String, CodingKey, CaseIterable {
        case top, prefixes
    }

    private static let expectation = #""head", "all", {"top": N} or {"prefixes": ["features.17", ...]}"#

    /// Decodes `"head"`, `"all"`, `{"top": N}` or `{"prefixes": [...]}`; anything else is an error naming the
    /// key path and the accepted forms.
    public init(from decoder: any Decoder) throws {
        if let word = try? decoder.singleValueContainer().decode(String.self) {
            switch word {
            case "head":
                self = .head
            case "all":
                self = .all
            default:
                throw RunFileIssue.notOneOf(
                    keyPath: RunFileIssue.render(decoder.codingPath),
                    value: word,
                    allowed: Self.expectation
                )
            }
            return
        }

        guard let object = try? decoder.container(keyedBy: RunFileKey.self) else {
            throw RunFileIssue.wrongType(keyPath: RunFileIssue.render(decoder.codingPath), expected: Self.expectation)
        }
        guard object.allKeys.count == 1 else {
            throw RunFileIssue.wrongType(
                keyPath: RunFileIssue.render(decoder.codingPath),
                expected: Self.expectation + " (an object with exactly one key)"
            )
        }

        let container = try decoder.strictContainer(keyedBy: Keys.self)
        if container.contains(.top) {
            self = .top(try container.requiredWholeNumber(.top))
        } else {
            self = .prefixes(try container.requiredTexts(.prefixes))
        }
    }

    /// Encodes the run-file form.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .head:
            var container = encoder.singleValueContainer()
            try container.encode("head")

        case .all:
            var container = encoder.singleValueContainer()
            try container.encode("all")

        case .top(let count):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(count, forKey: .top)

        case .prefixes(let prefixes):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(prefixes, forKey: .prefixes)
        }
    }
}
