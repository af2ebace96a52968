/// A dense, contiguous, row-major tensor of `Float`.
///
/// Images are stored NHWC: `[batch, height, width, channels]`. Convolution weights are stored
/// `[kernelHeight, kernelWidth, inputChannels, outputChannels]` (HWIO) so that a convolution is a
/// GEMM of an image patch matrix by the weight matrix; depthwise weights are `[kh, kw, channels]`.
/// Dense weights are `[inputs, outputs]`.
///
/// `Tensor` has value semantics (its storage is a Swift array); kernels reach the elements
/// through `withUnsafeBufferPointer` to avoid copies and bounds checks in hot loops.
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]

    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// A tensor of the given shape with every element set to `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    ///
    /// The count must match the shape; a mismatch is a programming error and traps. Data read
    /// from files is checked (and reported as an error) before it reaches this initialiser.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(scalars.count)"
        )
        self.shape = shape
        self.scalars = scalars
    }

    /// The number of elements.
    public var count: Int { self.scalars.count }

    /// The number of dimensions.
    public var rank: Int { self.shape.count }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(to newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: self.scalars)
    }

    /// Changes the shape in place; the element count must stay the same.
    public mutating func reshape(to newShape: [Int]) {
        precondition(newShape.reduce(1, *) == self.count, "cannot reshape \(self.shape) to \(newShape)")
        self.shape = newShape
    }

    /// The element at a multi-dimensional index. Intended for tests and small tensors.
    public subscript(index: Int...) -> Float {
        get { self.scalars[self.flatIndex(index)] }
        set { self.scalars[self.flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == self.shape.count, "index \(index) does not fit shape \(self.shape)")
        var flat = 0
        for (position, extent) in zip(index, self.shape) {
            precondition(position >= 0 && position < extent, "index \(index) out of range for shape \(self.shape)")
            flat = flat * extent + position
        }
        return flat
    }
}

extension Tensor {
    /// A tensor whose elements are written by `initializer`, without zero-filling first.
    /// The initializer must write every element.
    public init(shape: [Int], initializingWith initializer: (UnsafeMutablePointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            if let base = buffer.baseAddress { initializer(base) }
            initializedCount = count
        }
        self.init(shape: shape, scalars: scalars)
    }
}
