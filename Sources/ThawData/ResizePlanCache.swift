import Synchronization

/// The resampling weights and crop window for one source image size, computed once and shared.
struct ResizePlan: Sendable {
    /// Vertical weights over the full resized height.
    let rows: ResampleWeights

    /// Horizontal weights over the full resized width.
    let columns: ResampleWeights

    /// The resized rows kept by the crop (all of them when stretching).
    let rowRange: Range<Int>

    /// The resized columns kept by the crop (all of them when stretching).
    let columnRange: Range<Int>
}

/// A thread-safe memo of `ResizePlan`s keyed by source size, so the weights are computed once
/// per size rather than once per image.
final class ResizePlanCache: Sendable {
    private struct SourceSize: Hashable {
        let height: Int
        let width: Int
    }

    private let plans = Mutex<[SourceSize: ResizePlan]>([:])

    /// The cached plan for a source of `height x width`, made by `make` the first time.
    func plan(height: Int, width: Int, make: () -> ResizePlan) -> ResizePlan {
        let key = SourceSize(height: height, width: width)
        if let plan = self.plans.withLock({ $0[key] }) {
            return plan
        }

        let plan = make()
        self.plans.withLock { $0[key] = plan }
        return plan
    }
}
