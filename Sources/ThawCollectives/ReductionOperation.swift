/// How a collective combines two ranks' elements; it must be associative and commutative, bit for bit,
/// so that every ring order and every rank count gives identical results.
///
/// ```swift
/// let total = try ring.allReduce(fixedPoint, operation: .wrappingSum, scope: scope)
/// let maxima = try ring.allReduce(localMaxima, operation: .maximum, scope: scope)
/// ```
public struct ReductionOperation<Element: CollectiveElement>: Sendable {
    /// A name for logs, such as `wrapping sum`.
    public let name: String

    /// Combines `incoming` into `accumulated`, element by element. `incoming` holds as many elements as
    /// `accumulated`, in their wire layout and at any alignment (they are read where they arrived), so an
    /// implementation reads them with `loadUnaligned`.
    public let combine:
        @Sendable (_ accumulated: UnsafeMutableBufferPointer<Element>, _ incoming: UnsafeRawBufferPointer) -> Void

    /// An operation named `name` that combines with `combine`, which the caller promises is associative and
    /// commutative on the exact bits.
    public init(
        name: String,
        combine: @escaping @Sendable (UnsafeMutableBufferPointer<Element>, UnsafeRawBufferPointer) -> Void
    ) {
        self.name = name
        self.combine = combine
    }
}

extension ReductionOperation where Element == Int64 {
    /// Two's-complement addition that wraps on overflow (`&+`): associative and commutative, so fixed-point
    /// sums are identical in any order.
    public static var wrappingSum: ReductionOperation<Int64> {
        ReductionOperation(name: "wrapping sum") { accumulated, incoming in
            for index in 0..<accumulated.count {
                accumulated[index] &+= incoming.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)
            }
        }
    }
}

extension ReductionOperation where Element == Float {
    /// The larger of the two values, made commutative on the bits: NaN if either is NaN (as the canonical
    /// quiet NaN), and +0 if the two are zeros of opposite sign.
    public static var maximum: ReductionOperation<Float> {
        ReductionOperation(name: "maximum") { accumulated, incoming in
            for index in 0..<accumulated.count {
                let current = accumulated[index]
                let other = incoming.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
                if current.isNaN || other.isNaN {
                    accumulated[index] = .nan
                } else if other > current || (other == current && other.sign == .plus) {
                    accumulated[index] = other
                }
            }
        }
    }
}
