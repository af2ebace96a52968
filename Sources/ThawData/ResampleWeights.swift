/// The weights of PIL's BILINEAR (triangle filter) resampling along one axis.
///
/// Output sample `o` sits at input coordinate `center = (o + 0.5) * scale` with
/// `scale = inputSize / outputSize` (half-pixel centres). The triangle filter `max(0, 1 - |x|)`
/// is stretched by `max(scale, 1)`: when shrinking, each output averages over a window as wide
/// as the shrink factor (antialiasing); when enlarging, it is ordinary linear interpolation
/// between the two nearest inputs, with the edges clamped. Weights are normalised to sum to 1,
/// computed in double precision as PIL does, and stored as `Float`.
struct ResampleWeights: Sendable {
    /// The number of output samples.
    let outputSize: Int

    /// The first input index each output reads.
    let starts: [Int]

    /// How many consecutive inputs each output reads.
    let counts: [Int]

    /// `outputSize * stride` weights; output `o` uses `weights[o * stride ..< o * stride + counts[o]]`.
    let weights: [Float]

    /// The distance between the weight rows of consecutive outputs.
    let stride: Int

    init(inputSize: Int, outputSize: Int) {
        precondition(inputSize > 0 && outputSize > 0, "resampling \(inputSize) to \(outputSize) samples")
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1

        var starts = [Int](repeating: 0, count: outputSize)
        var counts = [Int](repeating: 0, count: outputSize)
        var weights = [Float](repeating: 0, count: outputSize * stride)

        for output in 0..<outputSize {
            let center = (Double(output) + 0.5) * scale
            let first = max(Int(center - support + 0.5), 0)
            let end = min(Int(center + support + 0.5), inputSize)

            var raw = (first..<end).map { input in
                max(0, 1 - abs((Double(input) - center + 0.5) / filterScale))
            }
            let total = raw.reduce(0, +)
            if total != 0 {
                raw = raw.map { $0 / total }
            }

            let leading = raw.prefix { $0 == 0 }.count
            let trailing = raw.reversed().prefix { $0 == 0 }.count
            let kept = raw.count > leading ? raw[leading..<(raw.count - trailing)] : raw[0..<0]

            starts[output] = first + leading
            counts[output] = kept.count
            for (offset, weight) in kept.enumerated() {
                weights[output * stride + offset] = Float(weight)
            }
        }

        self.outputSize = outputSize
        self.starts = starts
        self.counts = counts
        self.weights = weights
        self.stride = stride
    }

    /// The input indices that the outputs in `outputs` read, as one range.
    func inputRange(for outputs: Range<Int>) -> Range<Int> {
        guard let first = outputs.first, let last = outputs.last else {
            return 0..<0
        }
        let lower = outputs.lazy.map { self.starts[$0] }.min() ?? self.starts[first]
        let upper = outputs.lazy.map { self.starts[$0] + self.counts[$0] }.max() ?? self.starts[last]
        return lower..<upper
    }
}
