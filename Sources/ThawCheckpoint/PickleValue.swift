/// A value decoded by `RestrictedUnpickler`: plain data, or a reference to a torch storage or
/// tensor whose bytes live elsewhere in the checkpoint. Nothing in it can run code.
public indirect enum PickleValue: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int`, as little-endian two's-complement bytes.
    case largeInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    /// A `dict` or `collections.OrderedDict`, entries in insertion order.
    case dict([(key: PickleValue, value: PickleValue)])
    /// An allowed class that was named but not called, such as `torch.FloatStorage`.
    case global(module: String, name: String)
    case storage(TorchStorageReference)
    case tensor(TorchTensorReference)

    /// The text of a `.string`, else `nil`.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of an `.int` (or a `.bool`, as 0 or 1), else `nil`.
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }

    /// The entries of a `.dict`, else `nil`.
    public var dictEntries: [(key: PickleValue, value: PickleValue)]? {
        if case .dict(let entries) = self { return entries }
        return nil
    }

    /// The elements of a `.list` or `.tuple`, else `nil`.
    public var elements: [PickleValue]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }

    /// In a `.dict`, the value under the string key `key`; `nil` if absent or not a dict.
    public subscript(key: String) -> PickleValue? {
        self.dictEntries?.first { $0.key.stringValue == key }?.value
    }
}
