/// An image decoded to 8-bit samples.
public struct DecodedImage: Sendable, Equatable {
    /// Columns.
    public let width: Int

    /// Rows.
    public let height: Int

    /// Channels per pixel: 1 (grey) or 3 (RGB).
    public let channels: Int

    /// `height * width * channels` bytes, HWC: row by row, the channels of a pixel adjacent.
    public let pixels: [UInt8]

    /// Wraps decoded pixels; the count must match the size (a mismatch is a programming error).
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3, got \(channels)")
        precondition(
            pixels.count == width * height * channels, "pixel count does not match \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The same image with three channels: grey is copied to red, green and blue.
    public func expandedToRGB() -> DecodedImage {
        guard self.channels == 1 else {
            return self
        }
        var rgb = [UInt8](repeating: 0, count: self.pixels.count * 3)
        for (index, value) in self.pixels.enumerated() {
            rgb[3 * index] = value
            rgb[3 * index + 1] = value
            rgb[3 * index + 2] = value
        }
        return DecodedImage(width: self.width, height: self.height, channels: 3, pixels: rgb)
    }
}
