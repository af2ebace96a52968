import ThawTensor

/// Whether a stored tensor is learned by gradient descent or is running state.
public enum ParameterKind: String, Sendable, Codable {
    /// A weight or bias: trainable when its layer is.
    case weight
    /// Running state such as batch-norm moving statistics: never given a gradient.
    case state
}

/// How a parameter is laid out in a PyTorch state dict, relative to Thaw's layout.
public enum TorchLayout: Sendable {
    /// The same layout (biases, batch-norm vectors).
    case same
    /// Convolution weight: PyTorch `[out, in, kh, kw]`, Thaw `[kh, kw, in, out]`.
    case convolution
    /// Depthwise weight: PyTorch `[channels, 1, kh, kw]`, Thaw `[kh, kw, channels]`.
    case depthwise
    /// Dense weight: PyTorch `[out, in]`, Thaw `[in, out]`.
    case dense
}

/// One named tensor inside a `ParameterStore`.
public struct ParameterEntry: Sendable {
    /// The full name, e.g. `features.3.conv.1.0.weight`, following torchvision where it can.
    public let name: String
    /// The name of the layer that owns it.
    public let layerName: String
    public let shape: [Int]
    /// The element offset of this tensor in the store's flat buffer.
    public let offset: Int
    public let kind: ParameterKind
    public let torchLayout: TorchLayout

    public var count: Int { self.shape.reduce(1, *) }
}

/// Opaque index of a parameter in its store.
public struct ParameterHandle: Hashable, Sendable {
    /// The position of the parameter in its store's `entries`.
    public let index: Int

    public init(index: Int) {
        self.index = index
    }
}

/// Every weight and running statistic of a model in one flat `Float` buffer.
///
/// Layers register their tensors while the model is built; each gets a contiguous range of the
/// buffer in model order. Broadcasting weights, taking a checkpoint or comparing two replicas
/// bit for bit is then one operation over one buffer.
public final class ParameterStore: @unchecked Sendable {
    public private(set) var entries: [ParameterEntry] = []
    /// The number of `Float`s in the buffer.
    public private(set) var count = 0
    /// The flat buffer; valid until the next `register`, which may move it.
    public private(set) var values: UnsafeMutablePointer<Float>
    private var capacity: Int
    private var indexByName: [String: Int] = [:]

    public init() {
        self.capacity = 1024
        self.values = .allocate(capacity: self.capacity)
    }

    deinit {
        self.values.deallocate()
    }

    /// Adds a tensor filled with `initialValues` (or zeros) and returns its handle.
    /// Names must be unique; a duplicate is a programming error.
    public func register(
        name: String,
        layerName: String,
        shape: [Int],
        kind: ParameterKind = .weight,
        torchLayout: TorchLayout = .same,
        initialValues: [Float]? = nil
    ) -> ParameterHandle {
        precondition(self.indexByName[name] == nil, "parameter \(name) registered twice")
        let entry = ParameterEntry(
            name: name, layerName: layerName, shape: shape, offset: self.count, kind: kind, torchLayout: torchLayout)
        self.reserve(self.count + entry.count)

        let destination = self.values + entry.offset
        if let initialValues {
            precondition(initialValues.count == entry.count, "initial values for \(name) do not fit \(shape)")
            initialValues.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: entry.count) }
        } else {
            destination.update(repeating: 0, count: entry.count)
        }

        self.indexByName[name] = self.entries.count
        self.entries.append(entry)
        self.count += entry.count
        return ParameterHandle(index: self.entries.count - 1)
    }

    /// The entry behind a handle.
    public func entry(_ handle: ParameterHandle) -> ParameterEntry { self.entries[handle.index] }

    /// The handle of a named tensor, if there is one.
    public func handle(named name: String) -> ParameterHandle? {
        self.indexByName[name].map(ParameterHandle.init(index:))
    }

    /// A pointer to the first element of a tensor.
    @inline(__always)
    public func pointer(_ handle: ParameterHandle) -> UnsafeMutablePointer<Float> {
        self.values + self.entries[handle.index].offset
    }

    /// A copy of one tensor.
    public func tensor(_ handle: ParameterHandle) -> Tensor {
        let entry = self.entry(handle)
        return Tensor(shape: entry.shape) { $0.update(from: self.values + entry.offset, count: entry.count) }
    }

    /// Overwrites one tensor; the shape must match.
    public func assign(_ tensor: Tensor, to handle: ParameterHandle) {
        let entry = self.entry(handle)
        precondition(tensor.shape == entry.shape, "assigning \(tensor.shape) to \(entry.name) of shape \(entry.shape)")
        tensor.scalars.withUnsafeBufferPointer {
            (self.values + entry.offset).update(from: $0.baseAddress!, count: entry.count)
        }
    }

    /// A copy of the whole flat buffer.
    public func snapshot() -> [Float] {
        Array(UnsafeBufferPointer(start: self.values, count: self.count))
    }

    /// Overwrites the whole flat buffer; the count must match.
    public func restore(_ snapshot: [Float]) {
        precondition(snapshot.count == self.count, "snapshot of \(snapshot.count) values for a store of \(self.count)")
        snapshot.withUnsafeBufferPointer { self.values.update(from: $0.baseAddress!, count: self.count) }
    }

    private func reserve(_ needed: Int) {
        guard needed > self.capacity else { return }
        var newCapacity = self.capacity
        while newCapacity < needed { newCapacity *= 2 }
        let newValues = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
        newValues.update(from: self.values, count: self.count)
        self.values.deallocate()
        self.values = newValues
        self.capacity = newCapacity
    }
}
