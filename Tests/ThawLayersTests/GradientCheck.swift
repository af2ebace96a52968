import ThawLayers
import ThawTensor
import XCTest

/// Compares a layer's analytic gradients with central finite differences of
/// `loss = Σ output ⊙ projection` for a fixed random projection.
struct GradientCheck {
    let layer: any Layer
    let store: ParameterStore
    var isTraining = true
    var epsilon: Float = 1e-2
    var tolerance: Float = 2e-2

    private func loss(_ input: Tensor, projection: [Float]) -> Double {
        let output = self.layer.forward(input, context: ForwardContext(isTraining: self.isTraining, randomSeed: 7))
        return zip(output.scalars, projection).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks the input gradient and the gradient of every trainable parameter of the layer
    /// (at up to `samples` positions each). Returns the number of positions checked.
    @discardableResult
    func run(input: Tensor, samples: Int = 40, file: StaticString = #filePath, line: UInt = #line) -> Int {
        var random = SplitMix64(seed: 99)
        let output = self.layer.forward(input, context: ForwardContext(isTraining: self.isTraining, randomSeed: 7))
        let projection = (0..<output.count).map { _ in random.nextUnitFloat() * 2 - 1 }

        var entries: [(handle: ParameterHandle, entry: ParameterEntry)] = []
        for sublayer in self.layer.allLayers where sublayer.isTrainable {
            for handle in sublayer.parameters { entries.append((handle, self.store.entry(handle))) }
        }
        let gradients = GradientBuffer(layout: TrainableLayout(entries: entries))
        let context = BackwardContext(gradients: gradients)
        let analyticInput = self.layer.backward(
            Tensor(shape: output.shape, scalars: projection), needsInputGradient: true, context: context)!

        var checked = 0
        func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
            let scale = max(1, abs(numeric))
            XCTAssertEqual(
                Double(analytic), numeric, accuracy: Double(self.tolerance) * scale, what, file: file, line: line)
            checked += 1
        }

        for index in stride(from: 0, to: input.count, by: max(1, input.count / samples)) {
            var plus = input
            plus.scalars[index] += self.epsilon
            var minus = input
            minus.scalars[index] -= self.epsilon
            let numeric =
                (self.loss(plus, projection: projection) - self.loss(minus, projection: projection))
                / Double(2 * self.epsilon)
            compare(analyticInput.scalars[index], numeric, "input[\(index)]")
        }

        for slot in gradients.layout.slots {
            let base = self.store.values + slot.parameterOffset
            for index in stride(from: 0, to: slot.count, by: max(1, slot.count / samples)) {
                let original = base[index]
                base[index] = original + self.epsilon
                let up = self.loss(input, projection: projection)
                base[index] = original - self.epsilon
                let down = self.loss(input, projection: projection)
                base[index] = original
                compare(
                    gradients.values[slot.gradientOffset + index], (up - down) / Double(2 * self.epsilon),
                    "\(slot.name)[\(index)]")
            }
        }
        return checked
    }
}

func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var random = SplitMix64(seed: seed)
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in (random.nextUnitFloat() * 2 - 1) * scale })
}
