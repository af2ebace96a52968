import Foundation

/// Which parameters are trainable in a phase, and where each one's gradient lives.
///
/// Gradients of the trainable parameters are packed, in model order, into one flat buffer, so an
/// all-reduce of a phase's gradients is one call and frozen parameters take no space, no
/// bandwidth and no optimizer state.
public struct TrainableLayout: Sendable, Equatable {
    /// One trainable tensor: its store entry and its range in the gradient buffer.
    public struct Slot: Sendable, Equatable {
        public let handle: ParameterHandle
        public let name: String
        public let shape: [Int]
        public let parameterOffset: Int
        public let gradientOffset: Int
        public var count: Int { self.shape.reduce(1, *) }
    }

    public let slots: [Slot]
    /// Total number of gradient elements.
    public let count: Int
    private let gradientOffsetByEntry: [Int: Int]

    public init(entries: [(handle: ParameterHandle, entry: ParameterEntry)]) {
        var slots: [Slot] = []
        var offsets: [Int: Int] = [:]
        var total = 0
        for (handle, entry) in entries {
            slots.append(
                Slot(
                    handle: handle, name: entry.name, shape: entry.shape, parameterOffset: entry.offset,
                    gradientOffset: total))
            offsets[handle.index] = total
            total += entry.count
        }
        self.slots = slots
        self.count = total
        self.gradientOffsetByEntry = offsets
    }

    /// The gradient offset of a parameter, or `nil` if it is frozen in this layout.
    public func gradientOffset(of handle: ParameterHandle) -> Int? {
        self.gradientOffsetByEntry[handle.index]
    }

    /// A short, stable digest of the names and shapes, for replicas to confirm they agree on
    /// the trainable set before a phase starts (FNV-1a, 64 bits, as 16 hex digits).
    public var digest: String {
        let description = self.slots.map { slot in
            slot.name + ":" + slot.shape.map(String.init).joined(separator: "x")
        }
        let hash = stableHash(description.joined(separator: ";"))
        return String(format: "%016llx", hash)
    }
}

/// A flat gradient buffer laid out by a `TrainableLayout`.
public final class GradientBuffer: @unchecked Sendable {
    public let layout: TrainableLayout
    public let values: UnsafeMutablePointer<Float>

    public init(layout: TrainableLayout) {
        self.layout = layout
        self.values = .allocate(capacity: max(1, layout.count))
        self.values.update(repeating: 0, count: layout.count)
    }

    deinit {
        self.values.deallocate()
    }

    public var count: Int { self.layout.count }

    /// Where a parameter's gradient accumulates, or `nil` when it is frozen.
    @inline(__always)
    public func pointer(_ handle: ParameterHandle) -> UnsafeMutablePointer<Float>? {
        self.layout.gradientOffset(of: handle).map { self.values + $0 }
    }

    /// Sets every gradient to zero.
    public func zero() {
        self.values.update(repeating: 0, count: self.layout.count)
    }
}
