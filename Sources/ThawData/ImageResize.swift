/// Resizing and cropping of `Float` images stored HWC (`[height, width, channels]`, row-major).
///
/// `bilinear` reproduces PIL's `Image.resize(size, Image.BILINEAR)` on floating-point images,
/// which is what torchvision's evaluation transforms call: a separable triangle filter with
/// half-pixel centres, widened by the shrink factor when downscaling (antialiasing), plain
/// bilinear interpolation with clamped edges when upscaling, rows filtered horizontally first
/// and then vertically. PIL rounds to 8 bits between the two passes for `uint8` images; this
/// keeps full precision, so results on 8-bit photos differ from PIL's by at most about one level.
public enum ImageResize {
    /// Resizes an HWC image to `toHeight x toWidth` with PIL's BILINEAR filter.
    ///
    /// - Parameters:
    ///   - pixels: `height * width * channels` values, HWC.
    /// - Returns: `toHeight * toWidth * channels` values, HWC. The same size returns the input
    ///   exactly.
    /// - Precondition: all sizes positive and `pixels.count` matching; a mismatch traps.
    public static func bilinear(
        _ pixels: [Float], height: Int, width: Int, channels: Int, toHeight: Int, toWidth: Int
    ) -> [Float] {
        precondition(
            pixels.count == height * width * channels, "pixel count does not match \(height)x\(width)x\(channels)")
        let rows = ResampleWeights(inputSize: height, outputSize: toHeight)
        let columns = ResampleWeights(inputSize: width, outputSize: toWidth)
        var scratch: [Float] = []
        var output = [Float](repeating: 0, count: toHeight * toWidth * channels)

        pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { destination in
                Self.resample(
                    input, width: width, channels: channels, rows: rows, columns: columns,
                    rowRange: 0..<toHeight, columnRange: 0..<toWidth, scratch: &scratch, into: destination)
            }
        }
        return output
    }

    /// Cuts the central `toHeight x toWidth` window out of an HWC image.
    ///
    /// The window starts at `centreCropOrigin`, rounding as torchvision's `CenterCrop` does.
    /// - Precondition: the window fits inside the image; otherwise this traps.
    public static func centreCrop(
        _ pixels: [Float], height: Int, width: Int, channels: Int, toHeight: Int, toWidth: Int
    ) -> [Float] {
        precondition(
            pixels.count == height * width * channels, "pixel count does not match \(height)x\(width)x\(channels)")
        precondition(toHeight <= height && toWidth <= width, "cannot crop \(height)x\(width) to \(toHeight)x\(toWidth)")
        let origin = Self.centreCropOrigin(height: height, width: width, toHeight: toHeight, toWidth: toWidth)
        var output: [Float] = []
        output.reserveCapacity(toHeight * toWidth * channels)

        for row in origin.top..<(origin.top + toHeight) {
            let start = (row * width + origin.left) * channels
            output.append(contentsOf: pixels[start..<(start + toWidth * channels)])
        }
        return output
    }

    /// The top-left corner of a centred crop: `round((size - cropSize) / 2)` on each axis, with
    /// halves rounded to even as Python's `round` (and so torchvision's `CenterCrop`) does.
    public static func centreCropOrigin(height: Int, width: Int, toHeight: Int, toWidth: Int) -> (top: Int, left: Int) {
        let top = (Double(height - toHeight) / 2).rounded(.toNearestOrEven)
        let left = (Double(width - toWidth) / 2).rounded(.toNearestOrEven)
        return (Int(top), Int(left))
    }

    /// Resamples the window `rowRange x columnRange` of the resized image into `output`
    /// (`[rowRange.count, columnRange.count, channels]`), reading only the input rows that
    /// window needs. `scratch` holds the horizontally filtered rows and is reused between calls.
    static func resample(
        _ input: UnsafeBufferPointer<Float>, width: Int, channels: Int, rows: ResampleWeights,
        columns: ResampleWeights, rowRange: Range<Int>, columnRange: Range<Int>, scratch: inout [Float],
        into output: UnsafeMutableBufferPointer<Float>
    ) {
        let inputRows = rows.inputRange(for: rowRange)
        let rowLength = columnRange.count * channels
        if scratch.count < inputRows.count * rowLength {
            scratch = [Float](repeating: 0, count: inputRows.count * rowLength)
        }

        scratch.withUnsafeMutableBufferPointer { filtered in
            // Horizontal pass: filtered[y, x, c] for the needed input rows y and output columns x.
            for (rowIndex, row) in inputRows.enumerated() {
                let source = input.baseAddress! + row * width * channels
                let target = filtered.baseAddress! + rowIndex * rowLength
                for (columnIndex, column) in columnRange.enumerated() {
                    let start = columns.starts[column]
                    let weightBase = column * columns.stride
                    for channel in 0..<channels {
                        var sum: Float = 0
                        for tap in 0..<columns.counts[column] {
                            sum += columns.weights[weightBase + tap] * source[(start + tap) * channels + channel]
                        }
                        target[columnIndex * channels + channel] = sum
                    }
                }
            }

            // Vertical pass: output[y, x, c] as a weighted sum of whole filtered rows.
            for (rowIndex, row) in rowRange.enumerated() {
                let target = output.baseAddress! + rowIndex * rowLength
                target.initialize(repeating: 0, count: rowLength)
                let weightBase = row * rows.stride
                for tap in 0..<rows.counts[row] {
                    let weight = rows.weights[weightBase + tap]
                    let source = filtered.baseAddress! + (rows.starts[row] + tap - inputRows.lowerBound) * rowLength
                    for element in 0..<rowLength {
                        target[element] += weight * source[element]
                    }
                }
            }
        }
    }
}
