import ThawTraining
import XCTest

final class StepTimingTests: XCTestCase {
    func testSlowestComputeAndLeastWaitingReduceAreTaken() {
        // Worker 1 computed longest, so it waited for no one at the reduction: its reduce time is the least.
        let timing = StepTiming.slowest(compute: [0.120, 0.141, 0.133], reduce: [0.061, 0.038, 0.047])
        XCTAssertEqual(timing, StepTiming(computeSeconds: 0.141, reduceSeconds: 0.038))
    }

    func testNoWorkersGiveNoTiming() {
        XCTAssertNil(StepTiming.slowest(compute: [], reduce: []))
        XCTAssertNil(StepTiming.slowest(compute: [0.1], reduce: []))
    }
}
