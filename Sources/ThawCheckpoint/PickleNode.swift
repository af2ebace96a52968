/// A value while unpickling. Lists and dicts are shared, mutable objects, as in Python: the
/// memo, the stack and enclosing containers may all refer to one list that is appended to later.
indirect enum PickleNode {
    final class List {
        var items: [PickleNode] = []
    }

    final class Dictionary {
        /// A key whose equality the unpickler can decide, so a repeated key replaces its value.
        enum Key: Hashable {
            case string(String)
            case int(Int)
        }

        private(set) var entries: [(key: PickleNode, value: PickleNode)] = []
        private var indexByKey: [Key: Int] = [:]

        /// Sets `key` to `value`, keeping the first insertion's position as a Python dict does.
        func set(_ key: PickleNode, to value: PickleNode) {
            let hashable: Key?
            switch key {
            case .leaf(.string(let text)): hashable = .string(text)
            case .leaf(.int(let number)): hashable = .int(number)
            default: hashable = nil
            }

            if let hashable, let index = self.indexByKey[hashable] {
                self.entries[index].value = value
                return
            }

            if let hashable {
                self.indexByKey[hashable] = self.entries.count
            }
            self.entries.append((key: key, value: value))
        }
    }

    /// A value without children that can change: scalars, strings, globals, storages, tensors.
    case leaf(PickleValue)
    case list(List)
    case dictionary(Dictionary)
    case tuple([PickleNode])

    /// Copies the graph into an immutable `PickleValue`.
    ///
    /// Shared containers are copied once per reference, so a hostile pickle could make this
    /// exponential or cyclic; `budget` caps the values produced and `depth` the nesting.
    func makeValue(budget: inout Int, depth: Int) -> PickleValue? {
        budget -= 1
        guard budget >= 0, depth > 0 else { return nil }

        switch self {
        case .leaf(let value):
            return value
        case .tuple(let items):
            return Self.makeValues(items, budget: &budget, depth: depth).map(PickleValue.tuple)
        case .list(let list):
            return Self.makeValues(list.items, budget: &budget, depth: depth).map(PickleValue.list)
        case .dictionary(let dictionary):
            var entries: [(key: PickleValue, value: PickleValue)] = []
            for entry in dictionary.entries {
                guard let key = entry.key.makeValue(budget: &budget, depth: depth - 1),
                    let value = entry.value.makeValue(budget: &budget, depth: depth - 1)
                else { return nil }
                entries.append((key: key, value: value))
            }
            return .dict(entries)
        }
    }

    private static func makeValues(_ nodes: [PickleNode], budget: inout Int, depth: Int) -> [PickleValue]? {
        var values: [PickleValue] = []
        values.reserveCapacity(nodes.count)
        for node in nodes {
            guard let value = node.makeValue(budget: &budget, depth: depth - 1) else { return nil }
            values.append(value)
        }
        return values
    }
}
