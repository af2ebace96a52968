import ThawTensor

/// The contents of a safetensors file: its tensors, converted to `Float`, and its metadata.
public struct SafetensorsFile: Sendable {
    /// The tensors in the order of their data offsets in the file.
    public var tensors: [(name: String, tensor: Tensor)]

    /// The `__metadata__` string map of the header; empty when the header has none.
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The first tensor called `name`, or `nil`.
    ///
    /// - Complexity: O(n) in the number of tensors.
    public subscript(name: String) -> Tensor? {
        self.tensors.first { $0.name == name }?.tensor
    }
}
