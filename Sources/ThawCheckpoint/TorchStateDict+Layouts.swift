/// Reading the two file layouts of `torch.save` into an unpickled object and its storage bytes.
extension TorchStateDict {
    /// The legacy layout: five pickles, then each storage as an element count and raw elements.
    static func readLegacy(_ bytes: [UInt8], path: String) throws -> (PickleValue, [String: StorageBytes]) {
        func malformed(_ reason: String) -> CheckpointError {
            .malformedStateDict(path: path, reason: reason)
        }

        var unpickler = RestrictedUnpickler(bytes: bytes, source: path)
        guard case .largeInt(let magic) = try unpickler.load(), magic == Self.legacyMagic else {
            throw malformed("the file is neither a ZIP archive nor starts with torch's legacy magic number")
        }
        guard case .int(let protocolVersion) = try unpickler.load(), protocolVersion == 1001 else {
            throw malformed("the legacy protocol version is not 1001")
        }
        let systemInformation = try unpickler.load()
        if case .bool(false) = systemInformation["little_endian"] {
            throw malformed("the file was saved on a big-endian machine; resave it on a little-endian one")
        }

        let root = try unpickler.load()
        guard let keys = try unpickler.load().elements else {
            throw malformed("the list of storage keys is missing")
        }

        var elementSizes: [String: Int] = [:]
        Self.collectStorages(root) { elementSizes[$0.key] = $0.elementType.byteCount }

        var reader = ByteReader(bytes: bytes, start: unpickler.position) { offset, reason in
            .malformedStateDict(path: path, reason: "at byte \(offset), \(reason)")
        }
        var storages: [String: StorageBytes] = [:]
        for keyValue in keys {
            guard let key = keyValue.stringValue, let elementSize = elementSizes[key] else {
                throw malformed("the storage key list names a storage the state dict does not use")
            }
            let count = try reader.readLittleEndian(Int64.self, for: "the element count of storage '\(key)'")
            let (byteCount, overflow) = Int(count).multipliedReportingOverflow(by: elementSize)
            guard count >= 0, !overflow else {
                throw malformed("storage '\(key)' has an impossible element count \(count)")
            }
            let start = reader.position
            try reader.skip(byteCount, for: "the data of storage '\(key)'")
            storages[key] = StorageBytes(bytes: bytes, start: start, byteCount: byteCount)
        }
        return (root, storages)
    }

    /// The zip layout: `<prefix>/data.pkl` and `<prefix>/data/<key>` entries.
    static func readZip(_ bytes: [UInt8], path: String) throws -> (PickleValue, [String: StorageBytes]) {
        func malformed(_ reason: String) -> CheckpointError {
            .malformedStateDict(path: path, reason: reason)
        }

        let archive = try ZipArchive(bytes: bytes, path: path)
        let pickles = archive.entries.filter {
            $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2
        }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw malformed("the archive has \(pickles.count) '<prefix>/data.pkl' entries instead of one")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))

        if let byteOrder = archive.entry(named: prefix + "byteorder") {
            guard try archive.contents(of: byteOrder).elementsEqual("little".utf8) else {
                throw malformed("the storages are not little-endian; resave the file on a little-endian machine")
            }
        }

        var unpickler = RestrictedUnpickler(bytes: try archive.contents(of: pickle), source: "\(path) (\(pickle.name))")
        let root = try unpickler.load()

        var keys = Set<String>()
        Self.collectStorages(root) { keys.insert($0.key) }
        var storages: [String: StorageBytes] = [:]
        for key in keys.sorted() {
            guard let entry = archive.entry(named: prefix + "data/" + key) else {
                throw malformed("storage '\(key)' has no entry \(prefix)data/\(key)")
            }
            let data = try archive.contents(of: entry)
            storages[key] = StorageBytes(bytes: data, start: 0, byteCount: data.count)
        }
        return (root, storages)
    }

    /// Calls `body` for the storage of every tensor inside `value`.
    static func collectStorages(_ value: PickleValue, _ body: (TorchStorageReference) -> Void) {
        switch value {
        case .tensor(let reference):
            body(reference.storage)
        case .storage(let storage):
            body(storage)
        case .list(let items), .tuple(let items):
            items.forEach { Self.collectStorages($0, body) }
        case .dict(let entries):
            entries.forEach { Self.collectStorages($0.value, body) }
        default:
            break
        }
    }
}
