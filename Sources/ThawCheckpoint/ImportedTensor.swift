import ThawTensor

/// A tensor imported from a PyTorch checkpoint, converted to `Float`.
public struct ImportedTensor: Sendable {
    /// The shape as PyTorch saw it, outermost first (convolution weights are OIHW).
    public var shape: [Int]

    /// PyTorch's element type before conversion, e.g. `"float32"` or `"int64"`.
    public var dtype: String

    /// The elements, gathered into row-major order; `tensor.shape == shape`.
    public var tensor: Tensor

    public init(shape: [Int], dtype: String, tensor: Tensor) {
        self.shape = shape
        self.dtype = dtype
        self.tensor = tensor
    }
}
