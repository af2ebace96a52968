import Foundation

extension Duration {
    /// The duration as a Foundation time interval in seconds.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in seconds, such as `5 s` or `0.25 s`, for error messages.
    var secondsText: String {
        let value = self.timeInterval
        if value == value.rounded() && abs(value) < 1e15 {
            return "\(Int64(value)) s"
        }
        return String(format: "%.3g s", value)
    }
}
