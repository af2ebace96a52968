import Foundation

/// A linear axis range and its tick values, at "nice" steps of 1, 2 or 5 times a power of ten.
struct AxisTicks: Equatable {
    /// The value at the start of the axis.
    let lower: Double

    /// The value at the end of the axis.
    let upper: Double

    /// The tick values from `lower` to `upper`, evenly spaced.
    let values: [Double]

    /// The spacing between ticks.
    let step: Double

    /// Ticks covering `lower...upper`, about `count` of them; the range is widened to whole steps.
    /// An empty or inverted range becomes `lower...lower + 1`.
    init(covering lower: Double, _ upper: Double, count: Int = 5) {
        let span = upper > lower ? upper - lower : 1
        let step = Self.niceStep(span / Double(max(count, 1)))

        let first = (lower / step).rounded(.down) * step
        let last = max((max(upper, lower + span) / step).rounded(.up) * step, first + step)
        let tickCount = Int(((last - first) / step).rounded()) + 1

        self.lower = first
        self.upper = last
        self.step = step
        self.values = (0..<tickCount).map { first + Double($0) * step }
    }

    /// The smallest of 1, 2, 5 or 10 times a power of ten that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= raw * (1 - 1e-9) {
            return multiple * magnitude
        }
        return 10 * magnitude
    }

    /// A tick label with as many decimals as the step needs ("0.25", "1", "0.5").
    func label(_ value: Double) -> String {
        let decimals = self.step >= 1 ? 0 : Int((-log10(self.step)).rounded(.up))
        let needed = (0...max(decimals, 0) + 1).first { places in
            let scale = pow(10, Double(places))
            return abs((value * scale).rounded() - value * scale) < 1e-6
        }
        return String(format: "%.\(needed ?? decimals)f", value)
    }
}
