/// Everything that can go wrong while reading or writing checkpoints and imported weights.
///
/// Every message names the operation, the file (or pickle source) and the cause, and says what
/// to try next where there is something to try. Input from files never traps: it arrives here.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// A system call on a file or folder failed (`errno` text in `reason`).
    case fileSystem(operation: String, path: String, reason: String)

    /// The caller asked for something the format cannot hold (a duplicate or empty tensor name).
    case invalidRequest(operation: String, path: String, reason: String)

    /// A safetensors file does not follow the format: bad header length, JSON, offsets or sizes.
    case malformedSafetensors(path: String, reason: String)

    /// A tensor uses an element type this loader does not convert.
    case unsupportedElementType(path: String, tensor: String, elementType: String)

    /// A ZIP container is damaged or uses a feature the reader does not implement.
    case malformedArchive(path: String, reason: String)

    /// A pickle stream is truncated, inconsistent or too large to hold in memory.
    case malformedPickle(source: String, offset: Int, reason: String)

    /// A pickle opcode outside the restricted set that torch state dicts use.
    case unsupportedOpcode(source: String, offset: Int, opcode: UInt8)

    /// A pickle names a global that the restricted unpickler refuses; nothing was executed.
    case forbiddenGlobal(source: String, offset: Int, name: String)

    /// A PyTorch checkpoint parsed as pickle but its contents are not a usable state dict.
    case malformedStateDict(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileSystem(let operation, let path, let reason):
            return "\(operation) failed for \(path): \(reason). Check that the path exists, is writable and has space."
        case .invalidRequest(let operation, let path, let reason):
            return "\(operation) refused for \(path): \(reason)."
        case .malformedSafetensors(let path, let reason):
            return "reading safetensors file \(path) failed: \(reason). The file is damaged or not safetensors."
        case .unsupportedElementType(let path, let tensor, let elementType):
            return "reading \(path) failed: tensor '\(tensor)' has element type \(elementType), which is not "
                + "supported (float32, float64, float16, bfloat16, int64, int32 and uint8 are). Convert it first."
        case .malformedArchive(let path, let reason):
            return "reading ZIP archive \(path) failed: \(reason). The file is damaged or not a torch.save archive."
        case .malformedPickle(let source, let offset, let reason):
            return "unpickling \(source) failed at byte \(offset): \(reason). The file is damaged or truncated."
        case .unsupportedOpcode(let source, let offset, let opcode):
            let hex = String(opcode, radix: 16, uppercase: true)
            return "unpickling \(source) failed at byte \(offset): opcode 0x\(hex) is outside the restricted set "
                + "used by PyTorch state dicts; save the weights with torch.save(model.state_dict()) instead."
        case .forbiddenGlobal(let source, let offset, let name):
            return "unpickling \(source) refused at byte \(offset): global \(name) is not allowed; only tensor "
                + "storages, tensor rebuilds and collections.OrderedDict are. Nothing was executed."
        case .malformedStateDict(let path, let reason):
            return "importing PyTorch state dict \(path) failed: \(reason)."
        }
    }
}
