/// Builds a message payload field by field.
///
/// Integers are written big-endian. Float arrays are written as a `UInt64` element count followed by the
/// values' IEEE 754 bit patterns in little-endian order, so that on the little-endian hosts Thaw runs on a
/// gradient buffer is copied in one block. Strings and byte arrays carry a `UInt32` length prefix.
/// `BinaryReader` reads the same layout back.
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes before it reallocates.
    public init(reservingCapacity capacity: Int = 0) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    /// Appends `value` big-endian.
    public mutating func write<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.bigEndian) { raw in
            self.bytes.append(contentsOf: raw)
        }
    }

    /// Appends `value` as one byte, 1 for true and 0 for false.
    public mutating func write(_ value: Bool) {
        self.bytes.append(value ? 1 : 0)
    }

    /// Appends the bit pattern of `value` big-endian.
    public mutating func write(_ value: Float) {
        self.write(value.bitPattern)
    }

    /// Appends the bit pattern of `value` big-endian.
    public mutating func write(_ value: Double) {
        self.write(value.bitPattern)
    }

    /// Appends `string` as a `UInt32` byte count and its UTF-8 bytes.
    ///
    /// - Precondition: the UTF-8 form is shorter than 4 GiB.
    public mutating func write(_ string: String) {
        let utf8 = Array(string.utf8)
        self.write(UInt32(utf8.count))
        self.bytes.append(contentsOf: utf8)
    }

    /// Appends `bytes` as they are, without a length prefix.
    public mutating func write(bytes: some Sequence<UInt8>) {
        self.bytes.append(contentsOf: bytes)
    }

    /// Appends `data` as a `UInt32` byte count and the bytes.
    ///
    /// - Precondition: `data` is shorter than 4 GiB.
    public mutating func write(lengthPrefixed data: [UInt8]) {
        self.write(UInt32(data.count))
        self.bytes.append(contentsOf: data)
    }

    /// Appends `values` as a `UInt64` element count and the little-endian bit patterns.
    ///
    /// - Complexity: O(n); a single block copy on a little-endian host.
    public mutating func write(floats values: UnsafeBufferPointer<Float>) {
        self.write(UInt64(values.count))

        #if _endian(little)
            self.bytes.append(contentsOf: UnsafeRawBufferPointer(values))
        #else
            for value in values {
                self.write(value.bitPattern.byteSwapped)
            }
        #endif
    }

    /// Appends `values` as a `UInt64` element count and the little-endian bit patterns.
    public mutating func write(floats values: [Float]) {
        values.withUnsafeBufferPointer { buffer in
            self.write(floats: buffer)
        }
    }
}
