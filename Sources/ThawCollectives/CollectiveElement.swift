#if !_endian(little)
    #error("ThawCollectives sends elements in their in-memory layout, which the wire defines as little-endian.")
#endif

/// A fixed-size value a collective can carry.
///
/// On the wire an element is its in-memory representation, which is little-endian on every platform this
/// module builds for (it refuses to build elsewhere), so ranks on different hosts agree on the bytes.
public protocol CollectiveElement: BitwiseCopyable, Sendable, Equatable {}

extension Int64: CollectiveElement {}

extension Float: CollectiveElement {}

extension Double: CollectiveElement {}

extension CollectiveElement {
    /// The bytes one element takes on the wire.
    static var wireByteCount: Int {
        MemoryLayout<Self>.stride
    }

    /// The wire bytes of `values`.
    static func encode(_ values: UnsafeBufferPointer<Self>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(values))
    }

    /// Fills `values` from `bytes`, whose length must be `values.count * wireByteCount`.
    static func decode(_ bytes: [UInt8], into values: UnsafeMutableBufferPointer<Self>) {
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(values).copyMemory(from: source)
        }
    }
}
