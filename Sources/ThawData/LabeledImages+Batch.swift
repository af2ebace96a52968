import ThawTensor

/// Preprocesses the images at `indices` into one batch tensor.
///
/// - Returns: `images` shaped `[indices.count, preprocessing.height, preprocessing.width, 3]`
///   (NHWC) and the matching `labels`, in the order of `indices`.
/// - Precondition: every index in `0..<source.count`; anything else is a programming error
///   and traps.
/// - Complexity: one resize per image, with weights computed once per source size.
public func makeBatch(
    from source: LabeledImages, indices: [Int], preprocessing: ImagePreprocessing
) -> (images: Tensor, labels: [Int32]) {
    let imageSize = source.imageByteCount
    let outputSize = preprocessing.outputCount
    var scalars = [Float](repeating: 0, count: indices.count * outputSize)
    var labels = [Int32](repeating: 0, count: indices.count)

    source.pixels.withUnsafeBufferPointer { pixels in
        scalars.withUnsafeMutableBufferPointer { output in
            for (position, index) in indices.enumerated() {
                precondition(index >= 0 && index < source.count, "index \(index) is outside 0..<\(source.count)")
                let image = UnsafeBufferPointer(rebasing: pixels[(index * imageSize)..<((index + 1) * imageSize)])
                let slot = UnsafeMutableBufferPointer(
                    rebasing: output[(position * outputSize)..<((position + 1) * outputSize)])
                preprocessing.apply(
                    image, height: source.height, width: source.width, channels: source.channels, into: slot)
                labels[position] = source.labels[index]
            }
        }
    }

    let shape = [indices.count, preprocessing.height, preprocessing.width, 3]
    return (Tensor(shape: shape, scalars: scalars), labels)
}
