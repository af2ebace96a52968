/// A labelled image data set held in memory as 8-bit pixels: the raw source before any
/// resizing or normalisation.
///
/// Every image has the same `height`, `width` and `channels` (1 for grey, 3 for RGB). Image `i`
/// occupies `pixels[i * imageByteCount ..< (i + 1) * imageByteCount]`, stored HWC (row by row,
/// the channels of a pixel adjacent). `labels[i]` indexes `classNames`.
public struct LabeledImages: Sendable {
    /// Rows per image.
    public let height: Int

    /// Columns per image.
    public let width: Int

    /// Channels per pixel: 1 (grey) or 3 (RGB).
    public let channels: Int

    /// All images, `count * height * width * channels` bytes, each image HWC.
    public let pixels: [UInt8]

    /// One class index per image, in `0..<classNames.count`.
    public let labels: [Int32]

    /// The name of each class, indexed by label.
    public let classNames: [String]

    /// Wraps images and labels that the caller has already checked.
    ///
    /// Loaders validate file contents (and throw `DataError`) before building one; a mismatch
    /// here is a programming error and traps.
    public init(height: Int, width: Int, channels: Int, pixels: [UInt8], labels: [Int32], classNames: [String]) {
        precondition(height > 0 && width > 0, "image size \(height)x\(width) must be positive")
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3, got \(channels)")
        precondition(
            pixels.count == labels.count * height * width * channels,
            "\(pixels.count) pixel bytes do not hold \(labels.count) images of \(height)x\(width)x\(channels)"
        )
        precondition(
            labels.allSatisfy { $0 >= 0 && Int($0) < classNames.count },
            "a label is outside 0..<\(classNames.count)"
        )
        self.height = height
        self.width = width
        self.channels = channels
        self.pixels = pixels
        self.labels = labels
        self.classNames = classNames
    }

    /// The number of images.
    public var count: Int { self.labels.count }

    /// Bytes per image: `height * width * channels`.
    public var imageByteCount: Int { self.height * self.width * self.channels }

    /// The images at `indices`, in that order (indices may repeat). Indices must be in
    /// `0..<count`; anything else is a programming error and traps.
    ///
    /// - Complexity: O(`indices.count * imageByteCount`).
    public func subset(_ indices: [Int]) -> LabeledImages {
        let size = self.imageByteCount
        var pixels = [UInt8](repeating: 0, count: indices.count * size)
        var labels = [Int32](repeating: 0, count: indices.count)

        self.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { destination in
                for (position, index) in indices.enumerated() {
                    precondition(index >= 0 && index < self.count, "index \(index) is outside 0..<\(self.count)")
                    let from = source.baseAddress! + index * size
                    (destination.baseAddress! + position * size).update(from: from, count: size)
                    labels[position] = self.labels[index]
                }
            }
        }

        return LabeledImages(
            height: self.height, width: self.width, channels: self.channels, pixels: pixels, labels: labels,
            classNames: self.classNames)
    }

    /// The first `limit` images (all of them if there are fewer).
    public func prefix(_ limit: Int) -> LabeledImages {
        self.subset(Array(0..<min(max(limit, 0), self.count)))
    }
}
