/// A tensor rebuilt by `torch._utils._rebuild_tensor_v2`: a strided view into a storage.
///
/// Element `index` of the view is storage element
/// `storageOffset + sum(index[k] * strides[k])`, all counted in elements.
public struct TorchTensorReference: Sendable, Equatable {
    public var storage: TorchStorageReference

    /// The first element of the view, in storage elements.
    public var storageOffset: Int

    /// The extent of each dimension, outermost first; `[]` is a scalar.
    public var shape: [Int]

    /// The step in storage elements along each dimension.
    public var strides: [Int]

    public init(storage: TorchStorageReference, storageOffset: Int, shape: [Int], strides: [Int]) {
        self.storage = storage
        self.storageOffset = storageOffset
        self.shape = shape
        self.strides = strides
    }
}
