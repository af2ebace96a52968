/// The globals a torch state dict names, and what calling them means to the restricted unpickler.
extension RestrictedUnpickler {
    /// Every global a pickle may name, as `module.name`. All others are refused on sight.
    ///
    /// `_rebuild_parameter_with_state` is what torch writes for an `nn.Parameter` that carries
    /// Python attributes; it is read like `_rebuild_parameter`. `UntypedStorage` (named from
    /// `torch` or `torch.storage`) holds raw bytes.
    public static let allowedGlobals: Set<String> = [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch.FloatStorage",
        "torch.DoubleStorage",
        "torch.HalfStorage",
        "torch.BFloat16Storage",
        "torch.LongStorage",
        "torch.IntStorage",
        "torch.ByteStorage",
        "torch.UntypedStorage",
        "torch.storage.UntypedStorage",
    ]

    func resolveGlobal(module: String, name: String, at offset: Int) throws -> PickleValue {
        guard Self.allowedGlobals.contains("\(module).\(name)") else {
            throw CheckpointError.forbiddenGlobal(source: self.source, offset: offset, name: "\(module).\(name)")
        }
        return .global(module: module, name: name)
    }

    /// Interprets `REDUCE`: a call of an allowed global, evaluated here without running code.
    func call(_ callable: PickleNode, with arguments: PickleNode) throws -> PickleNode {
        guard case .leaf(.global(let module, let name)) = callable else {
            throw self.reader.error("REDUCE needs a global to call")
        }
        guard let items = arguments.tupleItems else {
            throw self.reader.error("REDUCE of \(module).\(name) needs a tuple of arguments")
        }

        switch "\(module).\(name)" {
        case "collections.OrderedDict":
            return try self.makeOrderedDictionary(items)
        case "torch._utils._rebuild_tensor_v2":
            return .leaf(.tensor(try self.makeTensor(items)))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard items.count >= 3, case .leaf(.tensor) = items[0] else {
                throw self.reader.error("\(name) needs a tensor and at least two more arguments")
            }
            return items[0]
        default:
            throw self.reader.error("\(module).\(name) is a storage type and is never called")
        }
    }

    /// Interprets `BUILD`, which sets an object's attributes. Only dicts take it (an
    /// `OrderedDict`'s `_metadata` from `state_dict()`); the caller has popped and dropped the attributes.
    func acceptBuild() throws {
        guard let target = self.stack.last, self.stack.count > (self.marks.last ?? 0) else {
            throw self.reader.error("BUILD needs an object on the stack")
        }
        guard case .dictionary = target else {
            throw self.reader.error("BUILD is only accepted on an OrderedDict")
        }
    }

    /// Interprets a persistent id `('storage', storage type, key, location, element count)`;
    /// legacy files add a sixth item, view metadata, which must be `None`.
    func makeStorage(from identifier: PickleNode) throws -> TorchStorageReference {
        guard let items = identifier.tupleItems, items.count == 5 || items.count == 6,
            case .leaf(.string("storage")) = items[0]
        else {
            throw self.reader.error("a persistent id is not ('storage', type, key, location, size)")
        }
        guard case .leaf(.global(_, let storageClass)) = items[1],
            let elementType = ElementType(torchStorageClass: storageClass)
        else {
            throw self.reader.error("a persistent id does not name a storage type")
        }
        guard case .leaf(.string(let key)) = items[2], case .leaf(.string(let location)) = items[3],
            case .leaf(.int(let count)) = items[4], count >= 0
        else {
            throw self.reader.error("a persistent id has no string key, string location and element count")
        }
        if items.count == 6 {
            guard case .leaf(.none) = items[5] else {
                throw self.reader.error(
                    "storage '\(key)' is a view of another storage, as pre-1.0 torch wrote; resave it")
            }
        }

        return TorchStorageReference(
            storageClass: storageClass, elementType: elementType, key: key, location: location, elementCount: count)
    }

    private func makeOrderedDictionary(_ arguments: [PickleNode]) throws -> PickleNode {
        let dictionary = PickleNode.Dictionary()
        guard let source = arguments.first else {
            return .dictionary(dictionary)
        }

        let pairs: [PickleNode]
        switch source {
        case .list(let list) where arguments.count == 1: pairs = list.items
        case .tuple(let tuple) where arguments.count == 1: pairs = tuple.items
        default: throw self.reader.error("OrderedDict takes nothing or one sequence of pairs")
        }
        for pair in pairs {
            guard let items = pair.tupleItems, items.count == 2 else {
                throw self.reader.error("OrderedDict's sequence holds something other than (key, value) pairs")
            }
            dictionary.set(items[0], to: items[1])
        }
        return .dictionary(dictionary)
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    private func makeTensor(_ arguments: [PickleNode]) throws -> TorchTensorReference {
        guard arguments.count == 6 || arguments.count == 7, case .leaf(.storage(let storage)) = arguments[0],
            case .leaf(.int(let offset)) = arguments[1], offset >= 0,
            let shape = Self.integers(arguments[2]), let strides = Self.integers(arguments[3]),
            shape.count == strides.count, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 })
        else {
            throw self.reader.error(
                "_rebuild_tensor_v2 needs a storage, an offset and size and stride tuples of equal length")
        }
        return TorchTensorReference(storage: storage, storageOffset: offset, shape: shape, strides: strides)
    }

    private static func integers(_ node: PickleNode) -> [Int]? {
        guard let items = node.tupleItems else { return nil }
        var values: [Int] = []
        for item in items {
            guard case .leaf(.int(let value)) = item else { return nil }
            values.append(value)
        }
        return values
    }
}
