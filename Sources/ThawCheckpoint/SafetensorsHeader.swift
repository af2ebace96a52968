import Foundation

/// The parsed and validated JSON header of a safetensors file.
///
/// Validation follows the format's rules: the header is a JSON object; each tensor entry has a
/// known `dtype`, a `shape` of non-negative integers and `data_offsets` `[begin, end]` whose
/// length matches the shape and element size; the entries, ordered by offset, cover the data
/// buffer exactly, without overlaps or holes; `__metadata__`, if present, maps strings to strings.
struct SafetensorsHeader {
    /// One tensor's entry; offsets count from the start of the data buffer.
    struct Entry {
        var name: String
        var elementType: ElementType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// The entries ordered by data offset (ties, possible only for empty tensors, by name).
    var entries: [Entry]

    var metadata: [String: String]

    /// Parses `json` and checks it against a data buffer of `bufferLength` bytes.
    init(json: ArraySlice<UInt8>, bufferLength: Int, path: String) throws {
        func malformed(_ reason: String) -> CheckpointError {
            .malformedSafetensors(path: path, reason: reason)
        }

        guard json.first == UInt8(ascii: "{") else {
            throw malformed("the header does not start with '{'")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            throw malformed("the header is not valid JSON (\(error.localizedDescription))")
        }
        guard let object = parsed as? [String: Any] else {
            throw malformed("the header is not a JSON object")
        }

        self.metadata = try Self.parseMetadata(object["__metadata__"], malformed: malformed)

        var entries: [Entry] = []
        for (name, value) in object where name != "__metadata__" {
            entries.append(try Self.parseEntry(name: name, value: value, path: path, malformed: malformed))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }

        var covered = 0
        for entry in entries {
            guard entry.begin == covered else {
                let problem = entry.begin < covered ? "overlaps the tensor before it" : "leaves a gap before it"
                throw malformed("tensor '\(entry.name)' at data_offsets [\(entry.begin), \(entry.end)] \(problem)")
            }
            covered = entry.end
        }
        guard covered == bufferLength else {
            throw malformed("the tensors cover \(covered) bytes but the data buffer holds \(bufferLength)")
        }
        self.entries = entries
    }

    private static func parseMetadata(
        _ value: Any?, malformed: (String) -> CheckpointError
    ) throws -> [String: String] {
        guard let value else { return [:] }
        guard let map = value as? [String: Any] else {
            throw malformed("__metadata__ is not a JSON object")
        }

        var metadata: [String: String] = [:]
        for (key, item) in map {
            guard let text = item as? String else {
                throw malformed("__metadata__ value for '\(key)' is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(
        name: String, value: Any, path: String, malformed: (String) -> CheckpointError
    ) throws -> Entry {
        guard let fields = value as? [String: Any] else {
            throw malformed("tensor '\(name)' is not a JSON object")
        }

        guard let dtype = fields["dtype"] as? String else {
            throw malformed("tensor '\(name)' has no string dtype")
        }
        guard let elementType = ElementType(safetensorsName: dtype) else {
            throw CheckpointError.unsupportedElementType(path: path, tensor: name, elementType: dtype)
        }

        guard let shape = Self.integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw malformed("tensor '\(name)' has no shape of non-negative integers")
        }
        guard let offsets = Self.integers(fields["data_offsets"]), offsets.count == 2,
            offsets[0] >= 0, offsets[0] <= offsets[1]
        else {
            throw malformed("tensor '\(name)' has no data_offsets [begin, end] with 0 <= begin <= end")
        }

        var byteCount = elementType.byteCount
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw malformed("tensor '\(name)' shape \(shape) is too large")
            }
            byteCount = product
        }
        guard offsets[1] - offsets[0] == byteCount else {
            throw malformed(
                "tensor '\(name)' of shape \(shape) and dtype \(dtype) needs \(byteCount) bytes but data_offsets "
                    + "[\(offsets[0]), \(offsets[1])] span \(offsets[1] - offsets[0])")
        }

        return Entry(name: name, elementType: elementType, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// The value as an array of integers, or `nil` if it is anything else.
    ///
    /// Foundation's JSON numbers bridge to `Int` only when exact, so `1.5` is refused; a JSON `true`
    /// bridges to 1 and is let through, which can only describe a tensor the offset checks accept.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let items = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in items {
            guard let integer = item as? Int else { return nil }
            result.append(integer)
        }
        return result
    }
}
