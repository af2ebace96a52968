/// The element types that checkpoint files may store and that the loaders convert to `Float`.
///
/// Integers convert exactly up to 2^24 in magnitude; larger ones round to the nearest `Float`.
enum ElementType: Sendable, CaseIterable {
    case float32
    case float64
    case float16
    case bfloat16
    case int64
    case int32
    case uint8

    /// Bytes per element.
    var byteCount: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .uint8: return 1
        }
    }

    /// PyTorch's name for the type, as in `torch.float32`.
    var torchName: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .int64: return "int64"
        case .int32: return "int32"
        case .uint8: return "uint8"
        }
    }

    /// The `dtype` string of a safetensors header.
    var safetensorsName: String {
        switch self {
        case .float32: return "F32"
        case .float64: return "F64"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int64: return "I64"
        case .int32: return "I32"
        case .uint8: return "U8"
        }
    }

    init?(safetensorsName: String) {
        guard let match = Self.allCases.first(where: { $0.safetensorsName == safetensorsName }) else {
            return nil
        }
        self = match
    }

    /// The type of a torch storage class such as `FloatStorage`; `UntypedStorage` holds bytes.
    init?(torchStorageClass name: String) {
        switch name {
        case "FloatStorage": self = .float32
        case "DoubleStorage": self = .float64
        case "HalfStorage": self = .float16
        case "BFloat16Storage": self = .bfloat16
        case "LongStorage": self = .int64
        case "IntStorage": self = .int32
        case "ByteStorage", "UntypedStorage": self = .uint8
        default: return nil
        }
    }

    /// Converts `count` little-endian elements starting at byte `start` of `bytes` to `Float`.
    ///
    /// The caller has checked that `start + count * byteCount <= bytes.count`.
    func decode(_ bytes: [UInt8], from start: Int, count: Int) -> [Float] {
        precondition(start >= 0 && count >= 0 && start + count * self.byteCount <= bytes.count)
        return bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { output, initialized in
                for index in 0..<count {
                    output[index] = self.decodeElement(raw, at: start + index * self.byteCount)
                }
                initialized = count
            }
        }
    }

    private func decodeElement(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Float {
        switch self {
        case .float32:
            return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .float64:
            let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            return Float(Double(bitPattern: bits))
        case .float16:
            let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            return Float(Float16(bitPattern: bits))
        case .bfloat16:
            let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            return Float(bitPattern: UInt32(bits) << 16)
        case .int64:
            return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        case .int32:
            return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .uint8:
            return Float(raw[offset])
        }
    }
}
