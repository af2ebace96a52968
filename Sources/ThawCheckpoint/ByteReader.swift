/// A bounds-checked cursor over bytes read from a file.
///
/// Every read checks the remaining length first and throws the error that `makeError` builds
/// from the offset and a reason, so a truncated or hostile file can never read out of range.
struct ByteReader {
    /// Builds the error for a read at `offset` that failed for `reason`.
    typealias ErrorFactory = (_ offset: Int, _ reason: String) -> CheckpointError

    let bytes: [UInt8]

    /// One past the last byte this reader may touch.
    let end: Int

    /// The offset of the next byte to read, counted from the start of `bytes`.
    private(set) var position: Int

    private let makeError: ErrorFactory

    /// A reader over `bytes[start..<end]`; `end` defaults to the end of `bytes`.
    init(bytes: [UInt8], start: Int = 0, end: Int? = nil, makeError: @escaping ErrorFactory) {
        let limit = min(end ?? bytes.count, bytes.count)
        self.bytes = bytes
        self.end = max(limit, 0)
        self.position = min(max(start, 0), self.end)
        self.makeError = makeError
    }

    /// The number of bytes left before `end`.
    var remaining: Int { self.end - self.position }

    /// An error at the current position, for checks made by the caller.
    func error(_ reason: String) -> CheckpointError {
        self.makeError(self.position, reason)
    }

    /// Throws unless `count` more bytes are available.
    func require(_ count: Int, for what: String) throws {
        guard count >= 0, count <= self.remaining else {
            throw self.error("\(what) needs \(count) bytes but only \(self.remaining) remain")
        }
    }

    /// Moves past `count` bytes.
    mutating func skip(_ count: Int, for what: String) throws {
        try self.require(count, for: what)
        self.position += count
    }

    /// Moves to an absolute offset within the reader's range.
    mutating func seek(to offset: Int, for what: String) throws {
        guard offset >= 0, offset <= self.end else {
            throw self.error("\(what) at offset \(offset) lies outside the \(self.end) readable bytes")
        }
        self.position = offset
    }

    mutating func readByte(for what: String) throws -> UInt8 {
        try self.require(1, for: what)
        defer { self.position += 1 }
        return self.bytes[self.position]
    }

    /// Reads a little-endian integer of `T`'s width.
    mutating func readLittleEndian<T: FixedWidthInteger>(_ type: T.Type, for what: String) throws -> T {
        let width = MemoryLayout<T>.size
        try self.require(width, for: what)

        var value: T = 0
        for index in 0..<width {
            value |= T(truncatingIfNeeded: self.bytes[self.position + index]) << (8 * index)
        }

        self.position += width
        return value
    }

    /// Reads a big-endian integer of `T`'s width.
    mutating func readBigEndian<T: FixedWidthInteger>(_ type: T.Type, for what: String) throws -> T {
        let width = MemoryLayout<T>.size
        try self.require(width, for: what)

        var value: T = 0
        for index in 0..<width {
            value = (value << 8) | T(truncatingIfNeeded: self.bytes[self.position + index])
        }

        self.position += width
        return value
    }

    /// Reads `count` bytes as an array.
    mutating func readBytes(_ count: Int, for what: String) throws -> [UInt8] {
        try self.require(count, for: what)
        defer { self.position += count }
        return Array(self.bytes[self.position..<self.position + count])
    }

    /// Reads `count` bytes of UTF-8 text.
    mutating func readUTF8(_ count: Int, for what: String) throws -> String {
        try self.require(count, for: what)
        let slice = self.bytes[self.position..<self.position + count]
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw self.error("\(what) is not valid UTF-8")
        }
        self.position += count
        return text
    }

    /// Reads UTF-8 text up to (and consuming) the next newline, for pickle's text arguments.
    mutating func readLine(for what: String, maximumLength: Int) throws -> String {
        let limit = min(self.end, self.position + maximumLength + 1)
        guard let newline = self.bytes[self.position..<limit].firstIndex(of: 0x0A) else {
            throw self.error("\(what) has no newline within \(maximumLength) bytes")
        }
        let text = try self.readUTF8(newline - self.position, for: what)
        self.position += 1
        return text
    }
}
