import ThawLayers
import ThawOptim
import XCTest

final class KerasSGDTests: XCTestCase {
    /// Runs three updates of f(w) = w² / 2 (gradient w) from w = 1 and returns (lr_t, v, w) each time.
    private func run(_ settings: SGDSettings, updates: Int = 3) -> [(rate: Float, velocity: Float, weight: Float)] {
        let store = ParameterStore()
        let handle = store.register(name: "w", layerName: "w", shape: [1], initialValues: [1])
        let layout = TrainableLayout(entries: [(handle, store.entry(handle))])
        let optimizer = KerasSGD(settings: settings, layout: layout)
        var trace: [(Float, Float, Float)] = []
        for _ in 0..<updates {
            let rate = optimizer.learningRate(at: optimizer.iterations)
            var gradient = [store.values[0]]
            optimizer.step(parameters: store.values, gradients: &gradient)
            trace.append((rate, optimizer.velocity[0], store.values[0]))
        }
        return trace
    }

    private func assertTrace(
        _ trace: [(rate: Float, velocity: Float, weight: Float)], _ expected: [(Double, Double, Double)],
        line: UInt = #line
    ) {
        XCTAssertEqual(trace.count, expected.count, line: line)
        for (got, want) in zip(trace, expected) {
            XCTAssertEqual(Double(got.rate), want.0, accuracy: 1e-6, line: line)
            XCTAssertEqual(Double(got.velocity), want.1, accuracy: 1e-6, line: line)
            XCTAssertEqual(Double(got.weight), want.2, accuracy: 1e-6, line: line)
        }
    }

    func testPhaseOneSettingsMatchTheKerasTestVector() {
        let trace = self.run(SGDSettings(learningRate: 0.2, momentum: 0.9, decay: 0.01))
        self.assertTrace(
            trace,
            [
                (0.2000000000, -0.2000000000, 0.8000000000),
                (0.1980198020, -0.3384158416, 0.4615841584),
                (0.1960784314, -0.3950809552, 0.0665032033),
            ])
    }

    func testPhaseTwoSettingsMatchTheKerasTestVector() {
        let trace = self.run(SGDSettings(learningRate: 0.01, momentum: 0.9, decay: 0.001))
        self.assertTrace(
            trace,
            [
                (0.0100000000, -0.0100000000, 0.9900000000),
                (0.0099900100, -0.0188901099, 0.9711098901),
                (0.0099800399, -0.0266928144, 0.9444170757),
            ])
    }

    func testFirstUpdateUsesCounterZero() {
        // Counting t after the update would give 0.8019801980 at update 1.
        let trace = self.run(SGDSettings(learningRate: 0.2, momentum: 0.9, decay: 0.01), updates: 1)
        XCTAssertEqual(trace[0].weight, 0.8, accuracy: 1e-7)
    }

    func testNesterovUpdateFollowsKerasFormula() {
        // v1 = -0.2, w1 = 1 + 0.9 * -0.2 - 0.2 * 1 = 0.62; then g = 0.62, lr = 0.2 / 1.01.
        let trace = self.run(SGDSettings(learningRate: 0.2, momentum: 0.9, decay: 0.01, nesterov: true), updates: 2)
        XCTAssertEqual(trace[0].weight, 0.62, accuracy: 1e-6)
        let rate = 0.2 / 1.01
        let velocity = 0.9 * -0.2 - rate * 0.62
        XCTAssertEqual(Double(trace[1].velocity), velocity, accuracy: 1e-6)
        XCTAssertEqual(Double(trace[1].weight), 0.62 + 0.9 * velocity - rate * 0.62, accuracy: 1e-6)
    }

    func testNewOptimizerStartsFromZeroVelocityAndCounter() {
        let store = ParameterStore()
        let handle = store.register(name: "w", layerName: "w", shape: [2], initialValues: [1, -1])
        let layout = TrainableLayout(entries: [(handle, store.entry(handle))])
        let first = KerasSGD(settings: SGDSettings(learningRate: 0.2, momentum: 0.9, decay: 0.01), layout: layout)
        var gradient: [Float] = [1, 1]
        first.step(parameters: store.values, gradients: &gradient)
        XCTAssertEqual(first.iterations, 1)

        let second = KerasSGD(settings: SGDSettings(learningRate: 0.01, momentum: 0.9, decay: 0.001), layout: layout)
        XCTAssertEqual(second.iterations, 0)
        XCTAssertEqual(second.velocity, [0, 0])
        XCTAssertEqual(second.learningRate(at: second.iterations), 0.01)
    }

    func testOnlyParametersInTheLayoutAreUpdated() {
        let store = ParameterStore()
        let frozen = store.register(name: "frozen", layerName: "a", shape: [2], initialValues: [3, 4])
        let trained = store.register(name: "trained", layerName: "b", shape: [1], initialValues: [1])
        let layout = TrainableLayout(entries: [(trained, store.entry(trained))])
        let optimizer = KerasSGD(settings: SGDSettings(learningRate: 0.5), layout: layout)
        var gradient: [Float] = [2]
        optimizer.step(parameters: store.values, gradients: &gradient)
        XCTAssertEqual(store.tensor(frozen).scalars, [3, 4])
        XCTAssertEqual(store.tensor(trained).scalars, [0])
    }
}
