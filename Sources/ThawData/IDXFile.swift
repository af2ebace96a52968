import CZlib
import Foundation

/// The contents of an IDX file of unsigned bytes, the format of the MNIST family of data sets.
///
/// Layout: a 4-byte magic `0x00 0x00 0x08 rank`, then `rank` big-endian 32-bit dimension sizes,
/// then `product(dimensions)` bytes of row-major data. The file may be gzip-compressed or raw;
/// zlib tells the two apart.
public struct IDXFile: Sendable {
    /// The size of each dimension, outermost first (for images `[count, height, width]`).
    public let dimensions: [Int]

    /// The elements in row-major order; `bytes.count == dimensions.reduce(1, *)`.
    public let bytes: [UInt8]

    /// The most dimensions a header may declare; real files use one to four.
    public static let maximumRank = 8

    /// Reads and validates an IDX file, gzip-compressed or raw.
    ///
    /// - Throws: `DataError.unreadable` if the file cannot be opened, `.badMagic` or
    ///   `.unsupportedElementType` for a bad header, `.truncated` if the data ends early,
    ///   `.sizeMismatch` if there are bytes beyond the announced data, `.corruptCompression`
    ///   if the gzip stream is damaged. Never traps on bad input.
    public init(contentsOf url: URL) throws(DataError) {
        let path = url.path
        guard let file = gzopen(path, "rb") else {
            throw DataError.unreadable(path: path, cause: String(cString: strerror(errno)))
        }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 17)

        let magic = try Self.read(count: 4, from: file, path: path)
        guard magic.count == 4 else {
            throw DataError.sizeMismatch(
                path: path, detail: "the file holds \(magic.count) bytes, fewer than the 4-byte IDX magic number")
        }
        try Self.validate(magic: magic, path: path)

        let rank = Int(magic[3])
        let header = try Self.read(count: 4 * rank, from: file, path: path)
        guard header.count == 4 * rank else {
            throw DataError.sizeMismatch(
                path: path, detail: "header declares \(rank) dimensions but ends after \(header.count / 4)")
        }
        let dimensions = (0..<rank).map { index in
            header[(4 * index)..<(4 * index + 4)].reduce(0) { ($0 << 8) | Int($1) }
        }

        let expected = try Self.elementCount(of: dimensions, path: path)
        let data = try Self.read(count: expected, from: file, path: path)
        guard data.count == expected else {
            throw DataError.truncated(path: path, expectedBytes: expected, actualBytes: data.count)
        }

        let trailing = try Self.read(count: 1, from: file, path: path)
        guard trailing.isEmpty else {
            throw DataError.sizeMismatch(
                path: path,
                detail: "the file holds more than the \(expected) data bytes its header \(dimensions) announces")
        }

        self.dimensions = dimensions
        self.bytes = data
    }

    private static func validate(magic: [UInt8], path: String) throws(DataError) {
        let knownTypes: Set<UInt8> = [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E]
        guard magic[0] == 0, magic[1] == 0, knownTypes.contains(magic[2]),
            (1...Self.maximumRank).contains(Int(magic[3]))
        else {
            throw DataError.badMagic(path: path, found: magic)
        }

        guard magic[2] == 0x08 else {
            throw DataError.unsupportedElementType(path: path, typeCode: magic[2])
        }
    }

    private static func elementCount(of dimensions: [Int], path: String) throws(DataError) -> Int {
        var count = 1
        for extent in dimensions {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Int(Int32.max) * 16 else {
                throw DataError.sizeMismatch(path: path, detail: "dimensions \(dimensions) are implausibly large")
            }
            count = product
        }
        return count
    }

    /// Reads up to `count` bytes, fewer only at the end of the stream. Memory grows with what is
    /// actually read, so a header announcing a huge size cannot make it allocate that much.
    private static func read(count: Int, from file: gzFile, path: String) throws(DataError) -> [UInt8] {
        let chunkSize = 1 << 20
        var result: [UInt8] = []
        result.reserveCapacity(min(count, 1 << 26))
        var chunk = [UInt8](repeating: 0, count: min(count, chunkSize))

        while result.count < count {
            let wanted = min(count - result.count, chunkSize)
            let got = chunk.withUnsafeMutableBytes { buffer in
                gzread(file, buffer.baseAddress, UInt32(wanted))
            }
            if got < 0 {
                throw DataError.corruptCompression(path: path, cause: Self.zlibMessage(of: file))
            }
            if got == 0 {
                try Self.checkCleanEnd(of: file, path: path)
                break
            }
            result.append(contentsOf: chunk[0..<Int(got)])
        }
        return result
    }

    /// After a short read, distinguishes a clean end of file from a stream cut off mid-way
    /// (which zlib reports as `Z_BUF_ERROR`, "unexpected end of file"); the caller reports the
    /// latter as truncation, so only other errors are thrown here.
    private static func checkCleanEnd(of file: gzFile, path: String) throws(DataError) {
        var code: Int32 = 0
        let message = gzerror(file, &code)
        guard code == Z_OK || code == Z_BUF_ERROR else {
            throw DataError.corruptCompression(path: path, cause: message.map { String(cString: $0) } ?? "code \(code)")
        }
    }

    private static func zlibMessage(of file: gzFile) -> String {
        var code: Int32 = 0
        guard let message = gzerror(file, &code) else {
            return "zlib error \(code)"
        }
        return String(cString: message)
    }
}
