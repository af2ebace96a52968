/// A pickle reader for PyTorch state dicts that can only build data, never run code.
///
/// It implements the opcodes of protocols 2 to 5 that `torch.save` emits for state dicts (and a
/// few harmless neighbours such as the bytes opcodes and `POP`), and it knows only the globals
/// listed in `allowedGlobals`. Calling one of them is interpreted here, not executed: an
/// `OrderedDict` becomes a dict, `_rebuild_tensor_v2` a `TorchTensorReference`, a persistent id
/// a `TorchStorageReference`. Any other global (`os.system`, `builtins.eval`) or opcode throws an
/// error naming it. Every read is bounds-checked and the stack, memo and output are capped, so
/// no input traps.
///
/// A file may hold several pickles back to back (the legacy `torch.save` layout does): call
/// `load()` repeatedly; `position` is the offset after the last `STOP`.
public struct RestrictedUnpickler {
    /// The most values the stack may hold at once.
    static let maximumStackDepth = 1 << 20

    /// The most memo entries a pickle may create.
    static let maximumMemoCount = 1 << 22

    /// The most values the result may hold, counting each as often as it is reachable.
    static let maximumResultSize = 1 << 24

    /// The deepest nesting of containers the result may have.
    static let maximumNesting = 200

    /// Names the input in error messages, e.g. a file path and which pickle in it.
    let source: String

    var reader: ByteReader
    var stack: [PickleNode] = []
    var marks: [Int] = []
    var memo: [Int: PickleNode] = [:]

    /// Every container pushed during this pickle, kept alive so none is released mid-pickle
    /// (see `PickleNode.removeChildren()`).
    var containers: [PickleNode] = []

    /// The offset of the next unread byte.
    public var position: Int { self.reader.position }

    /// An unpickler reading `bytes` from `offset`; `source` names the input in errors.
    public init(bytes: [UInt8], startingAt offset: Int = 0, source: String) {
        self.source = source
        self.reader = ByteReader(bytes: bytes, start: offset) { offset, reason in
            .malformedPickle(source: source, offset: offset, reason: reason)
        }
    }

    /// Reads one pickle, up to and including its `STOP` opcode.
    ///
    /// - Throws: `CheckpointError.malformedPickle` for truncated or inconsistent input or input
    ///   over the size caps, `.unsupportedOpcode` for an opcode outside the restricted set,
    ///   `.forbiddenGlobal` for a global that is not allowed.
    public mutating func load() throws -> PickleValue {
        defer {
            self.containers.forEach { $0.removeChildren() }
            self.containers.removeAll()
            self.stack.removeAll()
            self.marks.removeAll()
            self.memo.removeAll()
        }

        while true {
            let offset = self.reader.position
            let opcode = try self.reader.readByte(for: "the next opcode")
            if opcode == 0x2E {
                return try self.finish()
            }
            try self.execute(opcode, at: offset)
        }
    }

    /// `STOP`: the one value left on the stack is the result.
    private mutating func finish() throws -> PickleValue {
        guard self.marks.isEmpty else {
            throw self.reader.error("STOP with an unclosed MARK")
        }
        guard let root = self.stack.last, self.stack.count == 1 else {
            throw self.reader.error("STOP needs exactly one value on the stack, not \(self.stack.count)")
        }

        var builder = PickleValueBuilder(maximumSize: Self.maximumResultSize, maximumDepth: Self.maximumNesting)
        do {
            return try builder.makeValue(root).value
        } catch {
            throw self.reader.error(error.reason)
        }
    }

    private mutating func execute(_ opcode: UInt8, at offset: Int) throws {
        switch opcode {
        case 0x80:  // PROTO
            let version = try self.reader.readByte(for: "PROTO's version")
            guard (2...5).contains(version) else {
                throw self.reader.error("pickle protocol \(version) is not supported (2 to 5 are)")
            }
        case 0x95:  // FRAME: a length hint; the data follows inline.
            let length = try self.reader.readLittleEndian(UInt64.self, for: "FRAME's length")
            guard length <= UInt64(self.reader.remaining) else {
                throw self.reader.error("FRAME of \(length) bytes runs past the end of the input")
            }
        case 0x28:  // MARK
            guard self.marks.count < Self.maximumStackDepth else {
                throw self.reader.error("more than \(Self.maximumStackDepth) open MARKs")
            }
            self.marks.append(self.stack.count)
        case 0x30:  // POP
            _ = try self.pop()
        case 0x31:  // POP_MARK
            _ = try self.popToMark()
        default:
            try self.executeValueOpcode(opcode, at: offset)
        }
    }

    /// Opcodes that push a new value, build containers or use the memo.
    private mutating func executeValueOpcode(_ opcode: UInt8, at offset: Int) throws {
        switch opcode {
        case 0x4E: try self.push(.leaf(.none))  // NONE
        case 0x88: try self.push(.leaf(.bool(true)))  // NEWTRUE
        case 0x89: try self.push(.leaf(.bool(false)))  // NEWFALSE
        case 0x4A:  // BININT
            try self.push(.leaf(.int(Int(try self.reader.readLittleEndian(Int32.self, for: "BININT")))))
        case 0x4B:  // BININT1
            try self.push(.leaf(.int(Int(try self.reader.readByte(for: "BININT1")))))
        case 0x4D:  // BININT2
            try self.push(.leaf(.int(Int(try self.reader.readLittleEndian(UInt16.self, for: "BININT2")))))
        case 0x8A:  // LONG1
            let count = Int(try self.reader.readByte(for: "LONG1's length"))
            try self.push(.leaf(Self.integer(fromTwosComplement: try self.reader.readBytes(count, for: "LONG1"))))
        case 0x8B:  // LONG4
            let count = try self.readLength(Int32.self, for: "LONG4")
            try self.push(.leaf(Self.integer(fromTwosComplement: try self.reader.readBytes(count, for: "LONG4"))))
        case 0x47:  // BINFLOAT, big-endian
            let bits = try self.reader.readBigEndian(UInt64.self, for: "BINFLOAT")
            try self.push(.leaf(.float(Double(bitPattern: bits))))
        case 0x58, 0x8C, 0x8D, 0x54, 0x55:  // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8, BINSTRING, SHORT_BINSTRING
            try self.push(.leaf(.string(try self.readString(opcode))))
        case 0x42:  // BINBYTES
            let count = try self.readLength(UInt32.self, for: "BINBYTES")
            try self.push(.leaf(.bytes(try self.reader.readBytes(count, for: "BINBYTES"))))
        case 0x43:  // SHORT_BINBYTES
            let count = Int(try self.reader.readByte(for: "SHORT_BINBYTES's length"))
            try self.push(.leaf(.bytes(try self.reader.readBytes(count, for: "SHORT_BINBYTES"))))
        case 0x8E:  // BINBYTES8
            let count = try self.readLength(UInt64.self, for: "BINBYTES8")
            try self.push(.leaf(.bytes(try self.reader.readBytes(count, for: "BINBYTES8"))))
        default:
            try self.executeContainerOpcode(opcode, at: offset)
        }
    }

    private mutating func executeContainerOpcode(_ opcode: UInt8, at offset: Int) throws {
        switch opcode {
        case 0x7D: try self.push(.dictionary(PickleNode.Dictionary()))  // EMPTY_DICT
        case 0x5D: try self.push(.list(PickleNode.List()))  // EMPTY_LIST
        case 0x29: try self.push(.tuple(PickleNode.Tuple([])))  // EMPTY_TUPLE
        case 0x74: try self.push(.tuple(PickleNode.Tuple(try self.popToMark())))  // TUPLE
        case 0x85: try self.push(.tuple(PickleNode.Tuple(try self.pop(count: 1))))  // TUPLE1
        case 0x86: try self.push(.tuple(PickleNode.Tuple(try self.pop(count: 2))))  // TUPLE2
        case 0x87: try self.push(.tuple(PickleNode.Tuple(try self.pop(count: 3))))  // TUPLE3
        case 0x61:  // APPEND
            let item = try self.pop()
            try self.topList(for: "APPEND").items.append(item)
        case 0x65:  // APPENDS
            let items = try self.popToMark()
            try self.topList(for: "APPENDS").items.append(contentsOf: items)
        case 0x73:  // SETITEM
            let value = try self.pop()
            let key = try self.pop()
            try self.topDictionary(for: "SETITEM").set(key, to: value)
        case 0x75:  // SETITEMS
            let items = try self.popToMark()
            guard items.count % 2 == 0 else {
                throw self.reader.error("SETITEMS with an odd number (\(items.count)) of keys and values")
            }
            let dictionary = try self.topDictionary(for: "SETITEMS")
            for index in stride(from: 0, to: items.count, by: 2) {
                dictionary.set(items[index], to: items[index + 1])
            }
        default:
            try self.executeMemoOpcode(opcode, at: offset)
        }
    }

    private mutating func executeMemoOpcode(_ opcode: UInt8, at offset: Int) throws {
        switch opcode {
        case 0x71:  // BINPUT
            try self.memoize(at: Int(try self.reader.readByte(for: "BINPUT")))
        case 0x72:  // LONG_BINPUT
            try self.memoize(at: Int(try self.reader.readLittleEndian(UInt32.self, for: "LONG_BINPUT")))
        case 0x94:  // MEMOIZE
            try self.memoize(at: self.memo.count)
        case 0x68:  // BINGET
            try self.recall(Int(try self.reader.readByte(for: "BINGET")))
        case 0x6A:  // LONG_BINGET
            try self.recall(Int(try self.reader.readLittleEndian(UInt32.self, for: "LONG_BINGET")))
        case 0x63:  // GLOBAL
            let module = try self.reader.readLine(for: "GLOBAL's module", maximumLength: 256)
            let name = try self.reader.readLine(for: "GLOBAL's name", maximumLength: 256)
            try self.push(.leaf(try self.resolveGlobal(module: module, name: name, at: offset)))
        case 0x93:  // STACK_GLOBAL
            let nameNode = try self.pop()
            let moduleNode = try self.pop()
            guard case .leaf(.string(let module)) = moduleNode, case .leaf(.string(let name)) = nameNode else {
                throw self.reader.error("STACK_GLOBAL needs two strings on the stack")
            }
            try self.push(.leaf(try self.resolveGlobal(module: module, name: name, at: offset)))
        case 0x52:  // REDUCE
            let arguments = try self.pop()
            let callable = try self.pop()
            try self.push(try self.call(callable, with: arguments))
        case 0x62:  // BUILD
            _ = try self.pop()
            try self.acceptBuild()
        case 0x51:  // BINPERSID
            let identifier = try self.pop()
            try self.push(.leaf(.storage(try self.makeStorage(from: identifier))))
        default:
            throw CheckpointError.unsupportedOpcode(source: self.source, offset: offset, opcode: opcode)
        }
    }

    // MARK: - Stack and memo

    mutating func push(_ node: PickleNode) throws {
        guard self.stack.count < Self.maximumStackDepth else {
            throw self.reader.error("the stack exceeds \(Self.maximumStackDepth) values")
        }
        self.stack.append(node)
        if case .leaf = node {
            return
        }
        self.containers.append(node)
    }

    /// Pops the top value; the values above the innermost MARK are the only ones reachable.
    mutating func pop() throws -> PickleNode {
        guard self.stack.count > (self.marks.last ?? 0) else {
            throw self.reader.error("an opcode needs a value but the stack is empty")
        }
        return self.stack.removeLast()
    }

    private mutating func pop(count: Int) throws -> [PickleNode] {
        guard self.stack.count - count >= (self.marks.last ?? 0) else {
            throw self.reader.error("an opcode needs \(count) values but the stack holds fewer")
        }
        defer { self.stack.removeLast(count) }
        return Array(self.stack.suffix(count))
    }

    /// Pops everything above the innermost MARK, and the MARK.
    private mutating func popToMark() throws -> [PickleNode] {
        guard let mark = self.marks.popLast() else {
            throw self.reader.error("an opcode needs a MARK but none is open")
        }
        defer { self.stack.removeSubrange(mark...) }
        return Array(self.stack[mark...])
    }

    private func topList(for operation: String) throws -> PickleNode.List {
        guard self.stack.count > (self.marks.last ?? 0), case .list(let list) = self.stack[self.stack.count - 1] else {
            throw self.reader.error("\(operation) needs a list on the stack")
        }
        return list
    }

    private func topDictionary(for operation: String) throws -> PickleNode.Dictionary {
        guard self.stack.count > (self.marks.last ?? 0),
            case .dictionary(let dictionary) = self.stack[self.stack.count - 1]
        else {
            throw self.reader.error("\(operation) needs a dict on the stack")
        }
        return dictionary
    }

    private mutating func memoize(at index: Int) throws {
        guard let top = self.stack.last, self.stack.count > (self.marks.last ?? 0) else {
            throw self.reader.error("a memo opcode needs a value but the stack is empty")
        }
        guard self.memo[index] != nil || self.memo.count < Self.maximumMemoCount else {
            throw self.reader.error("the memo exceeds \(Self.maximumMemoCount) entries")
        }
        self.memo[index] = top
    }

    private mutating func recall(_ index: Int) throws {
        guard let node = self.memo[index] else {
            throw self.reader.error("memo entry \(index) is read before it is written")
        }
        try self.push(node)
    }

    // MARK: - Arguments

    /// Reads a length field and checks it against the bytes that remain.
    private mutating func readLength<T: FixedWidthInteger>(_ type: T.Type, for what: String) throws -> Int {
        let length = try self.reader.readLittleEndian(T.self, for: "\(what)'s length")
        guard length >= 0, UInt64(length) <= UInt64(self.reader.remaining) else {
            throw self.reader.error("\(what) declares \(length) bytes but \(self.reader.remaining) remain")
        }
        return Int(length)
    }

    private mutating func readString(_ opcode: UInt8) throws -> String {
        switch opcode {
        case 0x58:
            return try self.reader.readUTF8(try self.readLength(UInt32.self, for: "BINUNICODE"), for: "BINUNICODE")
        case 0x8D:
            return try self.reader.readUTF8(try self.readLength(UInt64.self, for: "BINUNICODE8"), for: "BINUNICODE8")
        case 0x54: return try self.reader.readUTF8(try self.readLength(Int32.self, for: "BINSTRING"), for: "BINSTRING")
        case 0x55:
            let count = Int(try self.reader.readByte(for: "SHORT_BINSTRING's length"))
            return try self.reader.readUTF8(count, for: "SHORT_BINSTRING")
        default:
            let count = Int(try self.reader.readByte(for: "SHORT_BINUNICODE's length"))
            return try self.reader.readUTF8(count, for: "SHORT_BINUNICODE")
        }
    }

    /// Decodes pickle's little-endian two's-complement integers; `Int` when it fits.
    static func integer(fromTwosComplement bytes: [UInt8]) -> PickleValue {
        guard let last = bytes.last else { return .int(0) }

        let isNegative = last & 0x80 != 0
        let filler: UInt8 = isNegative ? 0xFF : 0x00
        var significant = bytes
        while significant.count > 1, significant.last == filler,
            (significant[significant.count - 2] & 0x80 != 0) == isNegative
        {
            significant.removeLast()
        }
        guard significant.count <= 8 else { return .largeInt(bytes) }

        var value: UInt64 = isNegative ? UInt64.max : 0
        for (index, byte) in significant.enumerated() {
            value &= ~(UInt64(0xFF) << (8 * index))
            value |= UInt64(byte) << (8 * index)
        }
        return .int(Int(Int64(bitPattern: value)))
    }
}
