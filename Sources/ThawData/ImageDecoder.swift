import CPNG
import CThawShim

/// Decodes JPEG and PNG files held in memory to 8-bit pixels.
///
/// JPEG goes through libjpeg-turbo (via the shim's `thaw_jpeg_decode`, whose error handler
/// returns instead of exiting the process); PNG through libpng's simplified `png_image` API.
/// Grey images stay one channel, colour images come out RGB; an alpha channel is dropped
/// (not composited), as PIL's `convert("RGB")` does. A JPEG counts as truncated unless its
/// markers reach end-of-image; a PNG whose pixel data is complete but whose closing `IEND`
/// chunk is missing is accepted, as libpng and PIL accept it.
public enum ImageDecoder {
    /// The largest image accepted, in pixels, so a forged header cannot demand terabytes.
    public static let maximumPixelCount = 1 << 28

    /// Decodes `data`, sniffing the format from its magic bytes.
    ///
    /// - Parameter name: the file name or path used in error messages.
    /// - Returns: the image, HWC, with 1 (grey) or 3 (RGB) channels.
    /// - Throws: `DataError.unrecognisedImageFormat` if `data` is neither JPEG nor PNG,
    ///   `DataError.undecodableImage` naming the file and the decoder's reason if it is corrupt,
    ///   truncated or too large. Never traps and never exits on bad input.
    public static func decode(_ data: [UInt8], name: String) throws(DataError) -> DecodedImage {
        switch ImageFormat(sniffing: data) {
        case .jpeg:
            return try Self.decodeJPEG(data, name: name)
        case .png:
            return try Self.decodePNG(data, name: name)
        case nil:
            throw DataError.unrecognisedImageFormat(path: name)
        }
    }

    private static func decodeJPEG(_ data: [UInt8], name: String) throws(DataError) -> DecodedImage {
        let structure = JPEGStructure(data)
        if let problem = structure.problem {
            throw DataError.undecodableImage(path: name, format: "JPEG", cause: problem)
        }
        if let size = structure.frameSize, size.width * size.height > Self.maximumPixelCount {
            throw DataError.undecodableImage(
                path: name, format: "JPEG",
                cause: "\(size.width)x\(size.height) is larger than \(Self.maximumPixelCount) pixels")
        }

        var pixels: UnsafeMutablePointer<UInt8>? = nil
        var width: Int32 = 0
        var height: Int32 = 0
        var channels: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBufferPointer { bytes in
            thaw_jpeg_decode(
                bytes.baseAddress, bytes.count, &pixels, &width, &height, &channels, &message, message.count)
        }
        defer { thaw_free(pixels) }

        guard status == 0, let pixels else {
            let cause = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DataError.undecodableImage(path: name, format: "JPEG", cause: cause)
        }
        guard channels == 1 || channels == 3 else {
            throw DataError.undecodableImage(
                path: name, format: "JPEG", cause: "\(channels) colour channels; only grey and RGB are supported")
        }

        let count = Int(width) * Int(height) * Int(channels)
        return DecodedImage(
            width: Int(width), height: Int(height), channels: Int(channels),
            pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    private static func decodePNG(_ data: [UInt8], name: String) throws(DataError) -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        let begun = data.withUnsafeBytes { bytes in
            png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count)
        }
        guard begun != 0 else {
            throw DataError.undecodableImage(path: name, format: "PNG", cause: Self.message(of: image))
        }

        let width = Int(image.width)
        let height = Int(image.height)
        guard width * height <= Self.maximumPixelCount else {
            throw DataError.undecodableImage(
                path: name, format: "PNG", cause: "\(width)x\(height) is larger than \(Self.maximumPixelCount) pixels")
        }

        let isColour = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let channels = isColour ? 3 : 1
        let readChannels = channels + (hasAlpha ? 1 : 0)
        image.format =
            (isColour ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)

        var pixels = [UInt8](repeating: 0, count: width * height * readChannels)
        let finished = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, Int32(width * readChannels), nil)
        }
        guard finished != 0 else {
            throw DataError.undecodableImage(path: name, format: "PNG", cause: Self.message(of: image))
        }

        if hasAlpha {
            pixels = Self.droppingAlpha(pixels, channels: channels)
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    private static func droppingAlpha(_ pixels: [UInt8], channels: Int) -> [UInt8] {
        let stride = channels + 1
        var result = [UInt8](repeating: 0, count: pixels.count / stride * channels)
        for pixel in 0..<(pixels.count / stride) {
            for channel in 0..<channels {
                result[pixel * channels + channel] = pixels[pixel * stride + channel]
            }
        }
        return result
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
