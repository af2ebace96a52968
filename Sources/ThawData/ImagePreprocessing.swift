/// Turns an 8-bit image of any size into the network's input: resized, three channels, scaled
/// and normalised `Float`s, HWC.
///
/// Two resize modes: `.stretch` resizes straight to `height x width` (Fashion-MNIST 28x28 to
/// 96x96), `.imageNetEvaluation` follows torchvision's evaluation transform (short side to
/// `256 * size / 224`, then a centred crop). Both use PIL's BILINEAR filter (`ImageResize`).
/// Grey images are copied to three channels. The resampling weights for each source size are
/// computed once and reused, since this runs for every sample in every epoch.
public struct ImagePreprocessing: Sendable {
    /// How the source is brought to the target size.
    public enum Mode: Sendable, Equatable {
        /// Resize to exactly `height x width`, ignoring the aspect ratio.
        case stretch

        /// torchvision's ImageNet evaluation transform: resize (keeping the aspect ratio) so the
        /// short side is `floor(256 * min(height, width) / 224)` (256 for a 224 crop), the long
        /// side `floor(shortSide * long / short)`, then cut the centred `height x width` window.
        /// An axis that would still be smaller than the crop is resized to the crop size.
        case imageNetEvaluation
    }

    /// How 8-bit values map to the output range.
    public enum Scaling: Sendable, Equatable {
        /// `value / 255`, in [0, 1].
        case unit

        /// `value / 127.5 - 1`, in [-1, 1] (EfficientNet-Lite and Inception-style bases).
        case symmetric

        /// `(value / 255 - mean[c]) / standardDeviation[c]` per RGB channel.
        case normalised(mean: [Float], standardDeviation: [Float])

        /// The ImageNet statistics torchvision's pretrained models expect.
        public static let imageNet = Scaling.normalised(
            mean: [0.485, 0.456, 0.406], standardDeviation: [0.229, 0.224, 0.225])
    }

    /// Output rows.
    public let height: Int

    /// Output columns.
    public let width: Int

    /// The resize mode.
    public let mode: Mode

    /// The value scaling.
    public let scaling: Scaling

    /// Per output channel, `output = value * multipliers[c] + offsets[c]` for an 8-bit `value`.
    private let multipliers: [Float]
    private let offsets: [Float]
    private let plans = ResizePlanCache()

    /// A preprocessing to `height x width x 3`.
    ///
    /// - Precondition: positive sizes, and for `.normalised` three means and three positive
    ///   standard deviations; anything else is a configuration bug and traps.
    public init(height: Int, width: Int, mode: Mode = .stretch, scaling: Scaling = .imageNet) {
        precondition(height > 0 && width > 0, "output size \(height)x\(width) must be positive")
        self.height = height
        self.width = width
        self.mode = mode
        self.scaling = scaling

        switch scaling {
        case .unit:
            self.multipliers = [Float](repeating: 1 / 255, count: 3)
            self.offsets = [0, 0, 0]
        case .symmetric:
            self.multipliers = [Float](repeating: 1 / 127.5, count: 3)
            self.offsets = [-1, -1, -1]
        case .normalised(let mean, let standardDeviation):
            precondition(mean.count == 3 && standardDeviation.count == 3, "need three means and deviations")
            precondition(standardDeviation.allSatisfy { $0 > 0 }, "standard deviations must be positive")
            self.multipliers = standardDeviation.map { 1 / (255 * $0) }
            self.offsets = zip(mean, standardDeviation).map { -$0 / $1 }
        }
    }

    /// Floats per preprocessed image: `height * width * 3`.
    public var outputCount: Int { self.height * self.width * 3 }

    /// Preprocesses one 8-bit HWC image into `output`.
    ///
    /// - Parameters:
    ///   - pixels: `height * width * channels` bytes, HWC, `channels` 1 (grey) or 3 (RGB).
    ///   - output: room for exactly `outputCount` floats; receives `[self.height, self.width, 3]`.
    /// - Precondition: the sizes agree; a mismatch is a programming error and traps. Images read
    ///   from files were validated when they were loaded.
    public func apply(
        _ pixels: UnsafeBufferPointer<UInt8>, height: Int, width: Int, channels: Int,
        into output: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3, got \(channels)")
        precondition(
            pixels.count == height * width * channels, "pixel count does not match \(height)x\(width)x\(channels)")
        precondition(output.count == self.outputCount, "output holds \(output.count) floats, need \(self.outputCount)")
        let plan = self.plans.plan(height: height, width: width) {
            self.makePlan(sourceHeight: height, sourceWidth: width)
        }

        let source = pixels.map { Float($0) }
        var scratch: [Float] = []
        var resized = [Float](repeating: 0, count: self.height * self.width * channels)
        source.withUnsafeBufferPointer { input in
            resized.withUnsafeMutableBufferPointer { destination in
                ImageResize.resample(
                    input, width: width, channels: channels, rows: plan.rows, columns: plan.columns,
                    rowRange: plan.rowRange, columnRange: plan.columnRange, scratch: &scratch, into: destination)
            }
        }

        // Scale and normalise each channel; grey feeds all three.
        for pixel in 0..<(self.height * self.width) {
            for channel in 0..<3 {
                let value = resized[pixel * channels + (channels == 1 ? 0 : channel)]
                output[pixel * 3 + channel] = value * self.multipliers[channel] + self.offsets[channel]
            }
        }
    }

    /// Preprocesses one decoded image and returns `[height, width, 3]` floats, HWC.
    public func apply(to image: DecodedImage) -> [Float] {
        var output = [Float](repeating: 0, count: self.outputCount)
        image.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { destination in
                self.apply(
                    pixels, height: image.height, width: image.width, channels: image.channels, into: destination)
            }
        }
        return output
    }

    private func makePlan(sourceHeight: Int, sourceWidth: Int) -> ResizePlan {
        switch self.mode {
        case .stretch:
            return ResizePlan(
                rows: ResampleWeights(inputSize: sourceHeight, outputSize: self.height),
                columns: ResampleWeights(inputSize: sourceWidth, outputSize: self.width),
                rowRange: 0..<self.height, columnRange: 0..<self.width)

        case .imageNetEvaluation:
            let shortTarget = 256 * min(self.height, self.width) / 224
            let isPortrait = sourceWidth <= sourceHeight
            let longSide = max(sourceHeight, sourceWidth) * shortTarget
            let longTarget = Int(Double(longSide) / Double(min(sourceHeight, sourceWidth)))
            let resizedHeight = max(isPortrait ? longTarget : shortTarget, self.height)
            let resizedWidth = max(isPortrait ? shortTarget : longTarget, self.width)
            let origin = ImageResize.centreCropOrigin(
                height: resizedHeight, width: resizedWidth, toHeight: self.height, toWidth: self.width)
            return ResizePlan(
                rows: ResampleWeights(inputSize: sourceHeight, outputSize: resizedHeight),
                columns: ResampleWeights(inputSize: sourceWidth, outputSize: resizedWidth),
                rowRange: origin.top..<(origin.top + self.height),
                columnRange: origin.left..<(origin.left + self.width))
        }
    }
}
