import Foundation
import ThawTensor

/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// describing each tensor, then the raw little-endian tensor data.
///
/// Writing always stores `F32`; reading converts `F32`, `F64`, `F16`, `BF16`, `I64`, `I32` and
/// `U8` to `Float`.
public enum Safetensors {
    /// The largest header this reader accepts, as the format's reference implementation does.
    static let maximumHeaderLength = 100_000_000

    /// Writes `tensors` as `F32` in the given order, with `metadata` as the header's `__metadata__`.
    ///
    /// The header's length is padded with spaces to a multiple of 8 so the data starts aligned.
    /// The write is atomic: a temporary file in the same folder is written, flushed and renamed
    /// over `url`, then the folder is flushed. On failure `url` keeps its old contents and the
    /// temporary file is removed.
    ///
    /// - Throws: `CheckpointError.invalidRequest` for a duplicate name or the reserved name
    ///   `__metadata__`; `CheckpointError.fileSystem` when creating, writing, flushing or renaming fails.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], to url: URL
    ) throws {
        let operation = "Safetensors.write"
        var names = Set<String>()
        for (name, _) in tensors {
            guard name != "__metadata__" else {
                throw CheckpointError.invalidRequest(
                    operation: operation, path: url.path, reason: "'__metadata__' is reserved and cannot name a tensor")
            }
            guard names.insert(name).inserted else {
                throw CheckpointError.invalidRequest(
                    operation: operation, path: url.path, reason: "tensor name '\(name)' appears twice")
            }
        }

        let header = Self.makeHeader(tensors, metadata: metadata)

        try AtomicFileWriter.write(to: url, operation: operation) { sink in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try sink.write($0) }
            try sink.write(header)

            for (_, tensor) in tensors {
                try Self.writeScalars(tensor.scalars, to: sink)
            }
        }
    }

    /// Reads a safetensors file, validating its header against the data before converting.
    ///
    /// - Returns: the tensors in data-offset order, as `Float`, and the header's metadata.
    /// - Throws: `CheckpointError.fileSystem` if the file cannot be read;
    ///   `CheckpointError.malformedSafetensors` for a bad header length, JSON, shape, offsets or
    ///   sizes; `CheckpointError.unsupportedElementType` for other dtypes.
    public static func read(from url: URL) throws -> SafetensorsFile {
        let path = url.path
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url, options: .mappedIfSafe))
        } catch {
            throw CheckpointError.fileSystem(
                operation: "Safetensors.read", path: path, reason: error.localizedDescription)
        }

        var reader = ByteReader(bytes: bytes) { offset, reason in
            .malformedSafetensors(path: path, reason: "at byte \(offset), \(reason)")
        }
        let declaredLength = try reader.readLittleEndian(UInt64.self, for: "the header length")
        guard declaredLength <= UInt64(Self.maximumHeaderLength) else {
            throw CheckpointError.malformedSafetensors(
                path: path,
                reason: "the header length \(declaredLength) exceeds the limit of \(Self.maximumHeaderLength)")
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= reader.remaining else {
            throw CheckpointError.malformedSafetensors(
                path: path,
                reason: "the header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }

        let dataStart = 8 + headerLength
        let header = try SafetensorsHeader(
            json: bytes[8..<dataStart], bufferLength: bytes.count - dataStart, path: path)

        let tensors = header.entries.map { entry in
            let scalars = entry.elementType.decode(
                bytes, from: dataStart + entry.begin, count: (entry.end - entry.begin) / entry.elementType.byteCount)
            return (name: entry.name, tensor: Tensor(shape: entry.shape, scalars: scalars))
        }
        return SafetensorsFile(tensors: tensors, metadata: header.metadata)
    }

    /// The JSON header, padded with spaces so that 8 + its length is a multiple of 8.
    static func makeHeader(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> [UInt8] {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }

        var offset = 0
        for (name, tensor) in tensors {
            let end = offset + tensor.count * MemoryLayout<Float>.size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }

        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while (8 + header.count) % 8 != 0 {
            header.append(UInt8(ascii: " "))
        }
        return header
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Writes `scalars` as little-endian `F32` in bounded chunks.
    private static func writeScalars(_ scalars: [Float], to sink: AtomicFileWriter.Sink) throws {
        let chunkLength = 1 << 14
        var chunk = [UInt32](repeating: 0, count: chunkLength)
        var start = 0
        while start < scalars.count {
            let count = min(chunkLength, scalars.count - start)
            for index in 0..<count {
                chunk[index] = scalars[start + index].bitPattern.littleEndian
            }

            try chunk.withUnsafeBytes { raw in
                try sink.write(UnsafeRawBufferPointer(rebasing: raw[0..<count * 4]))
            }

            start += count
        }
    }
}
