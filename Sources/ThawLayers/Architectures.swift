import ThawTensor

/// Builders for the architectures Thaw knows. Every builder draws its initial weights from a
/// `SplitMix64` seeded with `seed`, so the same seed gives the same model everywhere.
public enum Architectures {
    /// MobileNetV2 (Sandler et al., 2018) with torchvision's layer names, so that torchvision's
    /// ImageNet weights load by name, and a new head `classifier.1` for `classes` classes.
    ///
    /// - input: `[batch, height, width, 3]`, normalised with the ImageNet mean and deviation.
    /// - output: logits `[batch, classes]`.
    ///
    /// Inverted residual blocks follow the plan (expansion, channels, repeats, first stride):
    /// (1,16,1,1), (6,24,2,2), (6,32,3,2), (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1);
    /// ReLU6 after the expansion and depthwise convolutions, none after the projection, and a
    /// residual add when the stride is 1 and the channel count is kept.
    public static func mobileNetV2(
        classes: Int,
        imageSize: Int,
        dropout: Float = 0.2,
        batchNormMomentum: Float = 0.99,
        seed: UInt64
    ) -> Model {
        let store = ParameterStore()
        var random = SplitMix64(seed: seed)

        func convolutionUnit(_ name: String, _ inputs: Int, _ outputs: Int, kernel: Int, stride: Int) -> [any Layer] {
            [
                Convolution2D(
                    name: name + ".0", inputChannels: inputs, outputChannels: outputs, kernelSize: kernel,
                    stride: stride, store: store, random: &random),
                BatchNormalization(name: name + ".1", channels: outputs, momentum: batchNormMomentum, store: store),
                Activation(name: name + ".2", kind: .relu6),
            ]
        }

        var layers: [any Layer] = [
            Sequential(name: "features.0", layers: convolutionUnit("features.0", 3, 32, kernel: 3, stride: 2))
        ]
        let plan = [
            (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
        ]
        var inputs = 32
        var index = 1
        for (expansion, outputs, repeats, firstStride) in plan {
            for repeatIndex in 0..<repeats {
                let stride = repeatIndex == 0 ? firstStride : 1
                let hidden = inputs * expansion
                let prefix = "features.\(index).conv"
                var body: [any Layer] = []
                var unit = 0
                if expansion != 1 {
                    body += convolutionUnit("\(prefix).0", inputs, hidden, kernel: 1, stride: 1)
                    unit = 1
                }
                body += [
                    DepthwiseConvolution2D(
                        name: "\(prefix).\(unit).0", channels: hidden, kernelSize: 3, stride: stride, store: store,
                        random: &random),
                    BatchNormalization(
                        name: "\(prefix).\(unit).1", channels: hidden, momentum: batchNormMomentum, store: store),
                    Activation(name: "\(prefix).\(unit).2", kind: .relu6),
                    Convolution2D(
                        name: "\(prefix).\(unit + 1)", inputChannels: hidden, outputChannels: outputs, kernelSize: 1,
                        store: store, random: &random),
                    BatchNormalization(
                        name: "\(prefix).\(unit + 2)", channels: outputs, momentum: batchNormMomentum, store: store),
                ]
                let block = Sequential(name: prefix, layers: body)
                if stride == 1 && inputs == outputs {
                    layers.append(Residual(name: "features.\(index)", body: block))
                } else {
                    layers.append(block)
                }
                inputs = outputs
                index += 1
            }
        }
        layers.append(
            Sequential(name: "features.18", layers: convolutionUnit("features.18", inputs, 1280, kernel: 1, stride: 1)))
        layers.append(GlobalAveragePooling(name: "pool"))
        if dropout > 0 { layers.append(Dropout(name: "classifier.0", rate: dropout)) }
        layers.append(Dense(name: "classifier.1", inputs: 1280, outputs: classes, store: store, random: &random))

        return Model(
            architecture: "mobilenet_v2", store: store, network: Sequential(name: "mobilenet_v2", layers: layers),
            headPrefix: "classifier", inputShape: [imageSize, imageSize, 3], classes: classes)
    }

    /// A multilayer perceptron on flattened images: `hidden` ReLU layers, then the head
    /// `classifier`.
    public static func multilayerPerceptron(inputShape: [Int], hidden: [Int], classes: Int, seed: UInt64) -> Model {
        let store = ParameterStore()
        var random = SplitMix64(seed: seed)
        var layers: [any Layer] = [Flatten(name: "flatten")]
        var width = inputShape.reduce(1, *)
        for (index, size) in hidden.enumerated() {
            layers.append(Dense(name: "dense.\(index)", inputs: width, outputs: size, store: store, random: &random))
            layers.append(Activation(name: "relu.\(index)", kind: .relu))
            width = size
        }
        layers.append(Dense(name: "classifier", inputs: width, outputs: classes, store: store, random: &random))
        return Model(
            architecture: "mlp", store: store, network: Sequential(name: "mlp", layers: layers),
            headPrefix: "classifier",
            inputShape: inputShape, classes: classes)
    }

    /// A small convolutional network: two 3x3 convolution + ReLU + 2x2 max-pool stages (32 and 64
    /// channels), a 128-unit dense layer, and the head `classifier`.
    public static func smallConvolutional(inputShape: [Int], classes: Int, seed: UInt64) -> Model {
        let store = ParameterStore()
        var random = SplitMix64(seed: seed)
        let (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        let layers: [any Layer] = [
            Convolution2D(
                name: "conv.0", inputChannels: channels, outputChannels: 32, kernelSize: 3, hasBias: true, store: store,
                random: &random),
            Activation(name: "relu.0", kind: .relu),
            MaxPooling2D(name: "pool.0", size: 2),
            Convolution2D(
                name: "conv.1", inputChannels: 32, outputChannels: 64, kernelSize: 3, hasBias: true, store: store,
                random: &random),
            Activation(name: "relu.1", kind: .relu),
            MaxPooling2D(name: "pool.1", size: 2),
            Flatten(name: "flatten"),
            Dense(name: "dense", inputs: (height / 4) * (width / 4) * 64, outputs: 128, store: store, random: &random),
            Activation(name: "relu.2", kind: .relu),
            Dense(name: "classifier", inputs: 128, outputs: classes, store: store, random: &random),
        ]
        return Model(
            architecture: "small_cnn", store: store, network: Sequential(name: "small_cnn", layers: layers),
            headPrefix: "classifier", inputShape: inputShape, classes: classes)
    }
}
