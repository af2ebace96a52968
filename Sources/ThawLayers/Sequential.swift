import ThawTensor

/// Layers run one after another.
///
/// Backward walks the layers in reverse and stops below the lowest layer that has anything
/// trainable, unless the caller needs the gradient of the input: frozen layers at the bottom of
/// a model cost nothing in backward.
public final class Sequential: Layer {
    public let name: String
    public let layers: [any Layer]

    public init(name: String, layers: [any Layer]) {
        self.name = name
        self.layers = layers
    }

    public var sublayers: [any Layer] { self.layers }

    /// Setting the flag sets it on every nested layer; reading it says whether any is trainable.
    public var isTrainable: Bool {
        get { self.containsTrainable }
        set { for layer in self.layers { layer.isTrainable = newValue } }
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        var activation = input
        for layer in self.layers {
            activation = layer.forward(activation, context: context)
        }
        return activation
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool, context: BackwardContext) -> Tensor? {
        var trainableBelow = [Bool](repeating: false, count: self.layers.count)
        var seen = false
        for index in self.layers.indices {
            trainableBelow[index] = seen
            seen = seen || self.layers[index].containsTrainable
        }

        var gradient: Tensor? = outputGradient
        for index in self.layers.indices.reversed() {
            let layer = self.layers[index]
            let needsLayerInput = needsInputGradient || trainableBelow[index]
            guard needsLayerInput || layer.containsTrainable, let current = gradient else { return nil }
            gradient = layer.backward(current, needsInputGradient: needsLayerInput, context: context)
        }
        return needsInputGradient ? gradient : nil
    }
}
