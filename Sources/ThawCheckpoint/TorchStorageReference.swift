/// A torch storage named by a pickle's persistent id, `('storage', torch.FloatStorage, key,
/// location, elementCount)`; its bytes are stored outside the pickle under `key`.
public struct TorchStorageReference: Sendable, Equatable {
    /// The storage class without its module, e.g. `"FloatStorage"` or `"UntypedStorage"`.
    public var storageClass: String

    /// The key that names the storage's bytes in the file.
    public var key: String

    /// The device the storage was saved from, e.g. `"cpu"` or `"cuda:0"`.
    public var location: String

    /// The number of elements the storage holds.
    public var elementCount: Int

    /// PyTorch's name for the element type, e.g. `"float32"`.
    public var dtype: String { self.elementType.torchName }

    let elementType: ElementType

    init(storageClass: String, elementType: ElementType, key: String, location: String, elementCount: Int) {
        self.storageClass = storageClass
        self.elementType = elementType
        self.key = key
        self.location = location
        self.elementCount = elementCount
    }
}
