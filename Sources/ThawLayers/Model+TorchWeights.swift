import ThawTensor

extension Model {
    /// Loads weights given in PyTorch layouts (a torchvision state dict), converting each to
    /// Thaw's layout. Tensors under any of `excludedPrefixes` (the new head) keep their values.
    ///
    /// - Parameter source: names the file in error messages.
    /// - Returns: the number of tensors loaded.
    /// - Throws: `ModelError` when a tensor is missing or has the wrong shape; nothing is
    ///   changed in that case.
    @discardableResult
    public func loadTorchWeights(_ tensors: [String: Tensor], excluding excludedPrefixes: [String], source: String)
        throws -> Int
    {
        var converted: [(ParameterHandle, Tensor)] = []
        for (index, entry) in self.store.entries.enumerated() {
            if excludedPrefixes.contains(where: { entry.name == $0 || entry.name.hasPrefix($0 + ".") }) { continue }
            guard let tensor = tensors[entry.name] else {
                throw ModelError.missingWeight(name: entry.name, source: source)
            }
            let expected = Self.torchShape(of: entry)
            guard tensor.shape == expected else {
                throw ModelError.shapeMismatch(
                    name: entry.name, expected: expected, found: tensor.shape, source: source)
            }
            converted.append((ParameterHandle(index: index), Self.fromTorchLayout(tensor, entry: entry)))
        }
        for (handle, tensor) in converted { self.store.assign(tensor, to: handle) }
        return converted.count
    }

    /// The shape a parameter has in a PyTorch state dict.
    static func torchShape(of entry: ParameterEntry) -> [Int] {
        let shape = entry.shape
        switch entry.torchLayout {
        case .same: return shape
        case .convolution: return [shape[3], shape[2], shape[0], shape[1]]
        case .depthwise: return [shape[2], 1, shape[0], shape[1]]
        case .dense: return [shape[1], shape[0]]
        }
    }

    /// Converts a tensor from its PyTorch layout to the entry's layout.
    static func fromTorchLayout(_ tensor: Tensor, entry: ParameterEntry) -> Tensor {
        let source = tensor.scalars
        let shape = entry.shape
        switch entry.torchLayout {
        case .same:
            return Tensor(shape: shape, scalars: source)
        case .convolution:
            // [out, in, kh, kw] -> [kh, kw, in, out]
            let (kernelHeight, kernelWidth, inputs, outputs) = (shape[0], shape[1], shape[2], shape[3])
            return Tensor(shape: shape) { destination in
                for output in 0..<outputs {
                    for input in 0..<inputs {
                        for kernelY in 0..<kernelHeight {
                            for kernelX in 0..<kernelWidth {
                                let from = ((output * inputs + input) * kernelHeight + kernelY) * kernelWidth + kernelX
                                let to = ((kernelY * kernelWidth + kernelX) * inputs + input) * outputs + output
                                destination[to] = source[from]
                            }
                        }
                    }
                }
            }
        case .depthwise:
            // [channels, 1, kh, kw] -> [kh, kw, channels]
            let (kernelHeight, kernelWidth, channels) = (shape[0], shape[1], shape[2])
            return Tensor(shape: shape) { destination in
                for channel in 0..<channels {
                    for tap in 0..<(kernelHeight * kernelWidth) {
                        destination[tap * channels + channel] = source[channel * kernelHeight * kernelWidth + tap]
                    }
                }
            }
        case .dense:
            // [out, in] -> [in, out]
            let (inputs, outputs) = (shape[0], shape[1])
            return Tensor(shape: shape) { destination in
                for output in 0..<outputs {
                    for input in 0..<inputs { destination[input * outputs + output] = source[output * inputs + input] }
                }
            }
        }
    }
}
