import ThawTensor

/// Errors of a step's reduction.
public enum ReductionError: Error, CustomStringConvertible, Equatable {
    /// A contribution held NaN or infinity: the step diverged.
    case nonFinite(segment: Int)

    public var description: String {
        switch self {
        case .nonFinite(let segment):
            return "a gradient or statistic became NaN or infinite (segment \(segment)); the learning rate is "
                + "probably too high for this phase"
        }
    }
}

/// Bit-exact summation of step vectors, whatever the grouping.
///
/// A step is reduced in three moves, each of which is order-independent:
/// 1. every holder of contributions reports the largest magnitude per segment (`localMaxima`);
///    the element-wise maximum over all holders is the global maximum;
/// 2. from the global maxima and the number of contributions, every holder derives the same
///    exponents (`exponents`) and sums its contributions as 64-bit integers (`accumulate`);
/// 3. the integer vectors of all holders are added (in any order, e.g. around a ring), and
///    `finish` turns the total back into floats.
public struct ExactReduction: Sendable {
    public let segments: [Range<Int>]
    public let count: Int

    public init(vector: StepVector) {
        self.segments = vector.segments
        self.count = vector.count
    }

    /// The largest magnitude per segment over `contributions` (infinity where any is not finite).
    public func localMaxima(_ contributions: [[Float]]) -> [Float] {
        var maxima = [Float](repeating: 0, count: self.segments.count)
        for contribution in contributions {
            contribution.withUnsafeBufferPointer { values in
                for (index, segment) in self.segments.enumerated() {
                    let local = ExactSum.maxMagnitude(values.baseAddress! + segment.lowerBound, count: segment.count)
                    maxima[index] = max(maxima[index], local)
                }
            }
        }
        return maxima
    }

    /// The element-wise maximum of several holders' maxima.
    public static func combineMaxima(_ maxima: [[Float]]) -> [Float] {
        guard var combined = maxima.first else { return [] }
        for other in maxima.dropFirst() {
            for index in combined.indices { combined[index] = max(combined[index], other[index]) }
        }
        return combined
    }

    /// The exponents for a sum of `terms` contributions with these global maxima.
    public func exponents(globalMaxima: [Float], terms: Int) throws -> [Int] {
        try globalMaxima.enumerated().map { index, maximum in
            guard let exponent = ExactSum.exponent(maxMagnitude: maximum, terms: terms) else {
                throw ReductionError.nonFinite(segment: index)
            }
            return exponent
        }
    }

    /// The fixed-point sum of `contributions`.
    ///
    /// The sums are built a block at a time, every contribution added to a block while it is in the cache,
    /// so memory sees each sum written once rather than read and written once per contribution.
    public func accumulate(_ contributions: [[Float]], exponents: [Int]) -> [Int64] {
        let blockLength = 4096
        var sums = [Int64](repeating: 0, count: self.count)
        sums.withUnsafeMutableBufferPointer { sums in
            for (segment, exponent) in zip(self.segments, exponents) {
                for start in stride(from: segment.lowerBound, to: segment.upperBound, by: blockLength) {
                    let count = min(blockLength, segment.upperBound - start)
                    for contribution in contributions {
                        contribution.withUnsafeBufferPointer { values in
                            ExactSum.accumulate(
                                values.baseAddress! + start, count: count, exponent: exponent,
                                into: sums.baseAddress! + start)
                        }
                    }
                }
            }
        }
        return sums
    }

    /// Adds another holder's integer sums into `sums`.
    public static func add(_ other: [Int64], into sums: inout [Int64]) {
        for index in sums.indices { sums[index] &+= other[index] }
    }

    /// The floats of a total.
    public func finish(_ sums: [Int64], exponents: [Int]) -> [Float] {
        var values = [Float](repeating: 0, count: self.count)
        sums.withUnsafeBufferPointer { sums in
            values.withUnsafeMutableBufferPointer { values in
                self.finish(sums, at: 0..<self.count, exponents: exponents, into: values)
            }
        }
        return values
    }

    /// The floats of the part of a total at `range` of the vector: `sums` and `values` hold that part only.
    ///
    /// Each float depends on its own sum and its segment's exponent alone, so finishing a total piece by
    /// piece, wherever each piece is, gives the same floats as finishing it whole.
    public func finish(
        _ sums: UnsafeBufferPointer<Int64>,
        at range: Range<Int>,
        exponents: [Int],
        into values: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(sums.count == range.count && values.count == range.count, "a part and its range differ")
        var segment = self.segments.partitioningIndex(where: { $0.upperBound > range.lowerBound })

        while segment < self.segments.count, self.segments[segment].lowerBound < range.upperBound {
            let overlap = self.segments[segment].clamped(to: range)
            ExactSum.unscale(
                sums.baseAddress! + (overlap.lowerBound - range.lowerBound), count: overlap.count,
                exponent: exponents[segment], into: values.baseAddress! + (overlap.lowerBound - range.lowerBound))
            segment += 1
        }
    }

    /// The whole reduction for contributions held in one place.
    public func sum(_ contributions: [[Float]]) throws -> [Float] {
        let exponents = try self.exponents(globalMaxima: self.localMaxima(contributions), terms: contributions.count)
        return self.finish(self.accumulate(contributions, exponents: exponents), exponents: exponents)
    }
}

extension Array {
    /// The index of the first element for which `isInSecondPart` holds, given that it holds for a suffix.
    fileprivate func partitioningIndex(where isInSecondPart: (Element) -> Bool) -> Int {
        var low = 0
        var high = self.count
        while low < high {
            let middle = (low + high) / 2
            if isInSecondPart(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
