/// Reads a message payload field by field, in the layout `BinaryWriter` documents.
///
/// Every read checks that the bytes it needs are present and throws `WireError.truncatedPayload` otherwise;
/// a length prefix is checked against the bytes remaining before anything is allocated for it, so a hostile
/// payload cannot make the reader trap or allocate more than the payload's size.
public struct BinaryReader: Sendable {
    /// The payload being read.
    public let bytes: [UInt8]

    /// The index of the next byte to read.
    public private(set) var offset: Int

    /// A reader positioned at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// The number of bytes not yet read.
    public var remainingCount: Int {
        self.bytes.count - self.offset
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool {
        self.remainingCount == 0
    }

    /// Reads a big-endian integer.
    ///
    /// - Throws: `WireError.truncatedPayload` when fewer than `Value`'s size in bytes remain.
    public mutating func read<Value: FixedWidthInteger>(_ type: Value.Type) throws(WireError) -> Value {
        let size = MemoryLayout<Value>.size
        try self.require(UInt64(size), reading: "\(Value.self)")

        let value = self.bytes.withUnsafeBytes { raw in
            Value(bigEndian: raw.loadUnaligned(fromByteOffset: self.offset, as: Value.self))
        }
        self.offset += size
        return value
    }

    /// Reads a Boolean written as one byte; any non-zero byte is true.
    public mutating func read(_ type: Bool.Type) throws(WireError) -> Bool {
        try self.read(UInt8.self) != 0
    }

    /// Reads a `Float` from its big-endian bit pattern.
    public mutating func read(_ type: Float.Type) throws(WireError) -> Float {
        Float(bitPattern: try self.read(UInt32.self))
    }

    /// Reads a `Double` from its big-endian bit pattern.
    public mutating func read(_ type: Double.Type) throws(WireError) -> Double {
        Double(bitPattern: try self.read(UInt64.self))
    }

    /// Reads a string written as a `UInt32` byte count and UTF-8 bytes.
    ///
    /// - Throws: `WireError.truncatedPayload` if the count exceeds what remains, `.invalidUTF8` if the bytes
    ///   are not UTF-8.
    public mutating func read(_ type: String.Type) throws(WireError) -> String {
        let utf8 = try self.readLengthPrefixedBytes()

        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw .invalidUTF8(byteCount: utf8.count)
        }
        return string
    }

    /// Reads exactly `count` raw bytes.
    public mutating func readBytes(count: Int) throws(WireError) -> [UInt8] {
        try self.require(UInt64(max(count, 0)), reading: "\(count) raw bytes")

        let slice = self.bytes[self.offset..<(self.offset + count)]
        self.offset += count
        return Array(slice)
    }

    /// Reads bytes written as a `UInt32` byte count and the bytes.
    public mutating func readLengthPrefixedBytes() throws(WireError) -> [UInt8] {
        let count = try self.read(UInt32.self)
        return try self.readBytes(count: Int(count))
    }

    /// Reads a float array written as a `UInt64` element count and little-endian bit patterns.
    ///
    /// - Throws: `WireError.truncatedPayload` if the count needs more bytes than remain.
    public mutating func readFloats() throws(WireError) -> [Float] {
        let count = try self.read(UInt64.self)
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4)
        try self.require(overflow ? UInt64.max : byteCount, reading: "\(count) floats")

        let values = [Float](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
            self.bytes.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[self.offset..<(self.offset + Int(byteCount))])
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            #if _endian(big)
                for index in 0..<Int(count) {
                    buffer[index] = Float(bitPattern: buffer[index].bitPattern.byteSwapped)
                }
            #endif
            initialized = Int(count)
        }
        self.offset += Int(byteCount)
        return values
    }

    /// Checks that the whole payload has been read.
    ///
    /// - Throws: `WireError.trailingBytes` if bytes remain.
    public func expectEnd() throws(WireError) {
        guard self.isAtEnd else {
            throw .trailingBytes(count: self.remainingCount)
        }
    }

    /// Throws unless `count` more bytes remain.
    private func require(_ count: UInt64, reading what: String) throws(WireError) {
        guard count <= UInt64(self.remainingCount) else {
            throw .truncatedPayload(reading: what, needed: count, available: self.remainingCount)
        }
    }
}
