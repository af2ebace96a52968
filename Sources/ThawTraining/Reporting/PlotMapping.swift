import Foundation

/// Maps epochs and metric values to canvas coordinates inside one plot frame.
struct PlotMapping {
    let frame: LearningCurvePlot.PlotFrame
    let epochs: AxisTicks
    let values: AxisTicks

    /// The x coordinate of a fractional epoch.
    func x(_ epoch: Double) -> Double {
        self.frame.x + (epoch - self.epochs.lower) / (self.epochs.upper - self.epochs.lower) * self.frame.width
    }

    /// The y coordinate of a metric value; larger values are higher up.
    func y(_ value: Double) -> Double {
        let fraction = (value - self.values.lower) / (self.values.upper - self.values.lower)
        return self.frame.y + (1 - fraction) * self.frame.height
    }

    /// An SVG `points` list for (epoch, value) pairs.
    func points(_ pairs: [(Double, Double)]) -> String {
        pairs.map { String(format: "%.2f,%.2f", self.x($0.0), self.y($0.1)) }.joined(separator: " ")
    }
}
