import Foundation
import ThawTensor

/// Imports the tensors of a PyTorch state dict saved with `torch.save`, without running any of
/// the file's pickled code.
///
/// Both layouts are read. The legacy one (before PyTorch 1.6) is five pickles in a row (a magic
/// number, a protocol version, system information, the state dict, the list of storage keys)
/// followed, per key, by an 8-byte little-endian element count and the raw elements. The zip
/// one holds `<prefix>/data.pkl` and each storage as `<prefix>/data/<key>`. Pickles go through
/// `RestrictedUnpickler`.
public enum TorchStateDict {
    /// The magic number the legacy layout starts with, 0x1950a86a20f9469cfc6c, as pickle's
    /// little-endian bytes.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// The most elements a tensor may have beyond its storage's, through strides of 0. State
    /// dicts hold no such views; the cap stops a hostile file from asking for terabytes.
    static let maximumBroadcastCount = 1 << 24

    /// The raw bytes of one storage: `byteCount` bytes of `bytes` from `start`.
    struct StorageBytes {
        var bytes: [UInt8]
        var start: Int
        var byteCount: Int
    }

    /// Loads every tensor of the state dict in `url`, in the file's order.
    ///
    /// The state dict is the top-level dict, or the dict under its `"state_dict"` or `"model"`
    /// key when it has one (as training checkpoints do). Each tensor honours its storage offset,
    /// size and stride; integers (such as `num_batches_tracked`) and other floats become `Float`.
    ///
    /// - Throws: `CheckpointError` naming the file: `.fileSystem` if it cannot be read,
    ///   `.malformedArchive` or `.malformedPickle` for damaged data, `.forbiddenGlobal` and
    ///   `.unsupportedOpcode` for pickles that do more than describe tensors,
    ///   `.malformedStateDict` when the contents are not a dict of tensors.
    public static func load(from url: URL) throws -> [(name: String, tensor: ImportedTensor)] {
        let path = url.path
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url, options: .mappedIfSafe))
        } catch {
            throw CheckpointError.fileSystem(
                operation: "TorchStateDict.load", path: path, reason: error.localizedDescription)
        }

        let root: PickleValue
        let storages: [String: StorageBytes]
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            (root, storages) = try Self.readZip(bytes, path: path)
        } else if bytes.count > 262, bytes[257..<262].elementsEqual("ustar".utf8) {
            throw CheckpointError.malformedStateDict(
                path: path,
                reason: "the tar layout of early PyTorch releases is not supported; load and resave the file")
        } else {
            (root, storages) = try Self.readLegacy(bytes, path: path)
        }

        let entries = try Self.selectStateDict(root, path: path)
        var decoded: [String: [Float]] = [:]
        var result: [(name: String, tensor: ImportedTensor)] = []
        for (key, value) in entries {
            guard case .string(let name) = key else {
                throw CheckpointError.malformedStateDict(path: path, reason: "a state dict key is not a string")
            }
            guard case .tensor(let reference) = value else {
                throw CheckpointError.malformedStateDict(path: path, reason: "the value of '\(name)' is not a tensor")
            }
            let storage = reference.storage
            let cacheKey = storage.key + "/" + storage.storageClass
            if decoded[cacheKey] == nil {
                decoded[cacheKey] = try Self.decode(storage, from: storages, path: path)
            }

            let scalars = try Self.gather(reference, from: decoded[cacheKey] ?? [], name: name, path: path)
            let tensor = Tensor(shape: reference.shape, scalars: scalars)
            result.append(
                (name: name, tensor: ImportedTensor(shape: reference.shape, dtype: storage.dtype, tensor: tensor)))
        }
        return result
    }

    /// The entries of the state dict inside the unpickled `root`.
    static func selectStateDict(_ root: PickleValue, path: String) throws -> [(key: PickleValue, value: PickleValue)] {
        guard let entries = root.dictEntries else {
            throw CheckpointError.malformedStateDict(path: path, reason: "the pickled object is not a dict")
        }
        for key in ["state_dict", "model"] {
            if let nested = root[key]?.dictEntries {
                return nested
            }
        }
        return entries
    }

    /// Converts a storage's elements to `Float`, checking that the file holds all of them.
    static func decode(_ storage: TorchStorageReference, from storages: [String: StorageBytes], path: String) throws
        -> [Float]
    {
        guard let data = storages[storage.key] else {
            throw CheckpointError.malformedStateDict(path: path, reason: "storage '\(storage.key)' is missing")
        }
        let elementSize = storage.elementType.byteCount
        let (needed, overflow) = storage.elementCount.multipliedReportingOverflow(by: elementSize)
        guard !overflow, needed <= data.byteCount else {
            throw CheckpointError.malformedStateDict(
                path: path,
                reason: "storage '\(storage.key)' declares \(storage.elementCount) elements of \(storage.dtype) but "
                    + "the file holds \(data.byteCount) bytes for it")
        }
        return storage.elementType.decode(data.bytes, from: data.start, count: storage.elementCount)
    }

    /// The elements of a strided view in row-major order.
    ///
    /// - Complexity: O(number of elements) plus O(rank) per element for non-contiguous views.
    static func gather(_ reference: TorchTensorReference, from storage: [Float], name: String, path: String) throws
        -> [Float]
    {
        func invalid(_ reason: String) -> CheckpointError {
            .malformedStateDict(path: path, reason: "tensor '\(name)' \(reason)")
        }

        var count = 1
        var lastIndex = reference.storageOffset
        for (extent, stride) in zip(reference.shape, reference.strides) {
            let (product, countOverflow) = count.multipliedReportingOverflow(by: extent)
            let (span, spanOverflow) = max(extent - 1, 0).multipliedReportingOverflow(by: stride)
            let (sum, sumOverflow) = lastIndex.addingReportingOverflow(span)
            guard !countOverflow, !spanOverflow, !sumOverflow else {
                throw invalid("has a size \(reference.shape) or stride \(reference.strides) too large to address")
            }
            count = product
            lastIndex = sum
        }
        if count == 0 {
            return []
        }
        guard count <= max(storage.count, Self.maximumBroadcastCount) else {
            throw invalid(
                "has \(count) elements but its storage only \(storage.count); a view that repeats elements "
                    + "this much (stride 0) is not a saved parameter and could exhaust memory")
        }
        guard lastIndex < storage.count else {
            throw invalid(
                "with offset \(reference.storageOffset), size \(reference.shape) and stride \(reference.strides) "
                    + "reaches element \(lastIndex) of a storage of \(storage.count)")
        }

        if reference.strides == Self.contiguousStrides(for: reference.shape) {
            return Array(storage[reference.storageOffset..<reference.storageOffset + count])
        }

        var scalars: [Float] = []
        scalars.reserveCapacity(count)
        var index = [Int](repeating: 0, count: reference.shape.count)
        var position = reference.storageOffset
        for _ in 0..<count {
            scalars.append(storage[position])
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                position += reference.strides[axis]
                if index[axis] < reference.shape[axis] { break }
                position -= reference.strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return scalars
    }

    static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= max(shape[axis], 1)
        }
        return strides
    }
}
