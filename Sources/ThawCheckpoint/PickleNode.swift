/// A value while unpickling. Containers are shared objects, as in Python: the memo, the stack
/// and enclosing containers may all refer to one list that is appended to later.
enum PickleNode {
    final class List {
        var items: [PickleNode] = []
    }

    final class Tuple {
        private(set) var items: [PickleNode]

        init(_ items: [PickleNode]) {
            self.items = items
        }

        func removeAll() {
            self.items = []
        }
    }

    final class Dictionary {
        /// A key whose equality the unpickler can decide, so a repeated key replaces its value.
        enum Key: Hashable {
            case string(String)
            case int(Int)
        }

        private(set) var entries: [(key: PickleNode, value: PickleNode)] = []
        private var indexByKey: [Key: Int] = [:]

        func removeAll() {
            self.entries = []
            self.indexByKey = [:]
        }

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

    /// A value without children: scalars, strings, bytes, globals, storages, tensors.
    case leaf(PickleValue)
    case list(List)
    case tuple(Tuple)
    case dictionary(Dictionary)

    /// The elements of a tuple, else `nil`.
    var tupleItems: [PickleNode]? {
        if case .tuple(let tuple) = self { return tuple.items }
        return nil
    }

    /// Drops a container's children without releasing them recursively.
    ///
    /// Releasing a nested container releases its children from inside its own deinitialiser,
    /// one stack frame per level; a hostile pickle can nest a million levels in a megabyte and
    /// overflow the stack. The unpickler keeps every container alive until the pickle ends,
    /// then calls this on each, so that every release is shallow.
    func removeChildren() {
        switch self {
        case .leaf: break
        case .list(let list): list.items.removeAll()
        case .tuple(let tuple): tuple.removeAll()
        case .dictionary(let dictionary): dictionary.removeAll()
        }
    }
}
