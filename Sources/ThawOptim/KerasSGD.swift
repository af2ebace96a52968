import ThawLayers

/// Stochastic gradient descent with momentum and time-based decay, exactly as Keras 2's legacy
/// optimizer computes it in `Float`:
///
/// ```
/// lr_t = lr / (1 + decay * t)            t = updates already applied (0 for the first)
/// v    = momentum * v - lr_t * g         v starts at 0
/// w    = w + v                           Nesterov: w = w + momentum * v - lr_t * g
/// ```
///
/// It updates only the parameters of its `TrainableLayout`; the velocity is packed like the
/// gradient buffer. A new phase makes a new optimizer, so `t` and `v` start again at zero.
public final class KerasSGD {
    public let settings: SGDSettings
    public let layout: TrainableLayout
    /// `t`: the number of updates applied so far.
    public private(set) var iterations: Int = 0
    /// The momentum buffer, one value per trainable element.
    public private(set) var velocity: [Float]

    public init(settings: SGDSettings, layout: TrainableLayout) {
        self.settings = settings
        self.layout = layout
        self.velocity = [Float](repeating: 0, count: layout.count)
    }

    /// The learning rate of the update with counter `t`: `lr / (1 + decay * t)` in `Float`.
    public func learningRate(at t: Int) -> Float {
        self.settings.learningRate / (1 + self.settings.decay * Float(t))
    }

    /// Applies one update to the trainable parameters in `parameters` (a store's flat buffer)
    /// from `gradients` (packed by `layout`, the gradient of the global batch's mean loss).
    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        let rate = self.learningRate(at: self.iterations)
        let momentum = self.settings.momentum
        let nesterov = self.settings.nesterov
        self.velocity.withUnsafeMutableBufferPointer { velocity in
            for slot in self.layout.slots {
                let weights = parameters + slot.parameterOffset
                let gradient = gradients + slot.gradientOffset
                let slotVelocity = velocity.baseAddress! + slot.gradientOffset
                for index in 0..<slot.count {
                    let updated = momentum * slotVelocity[index] - rate * gradient[index]
                    slotVelocity[index] = updated
                    if nesterov {
                        weights[index] += momentum * updated - rate * gradient[index]
                    } else {
                        weights[index] += updated
                    }
                }
            }
        }
        self.iterations += 1
    }

    /// Restores the state saved in a checkpoint.
    public func restore(iterations: Int, velocity: [Float]) {
        precondition(velocity.count == self.layout.count, "velocity of \(velocity.count) for \(self.layout.count)")
        self.iterations = iterations
        self.velocity = velocity
    }
}
