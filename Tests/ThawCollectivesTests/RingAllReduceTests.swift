import ThawCollectives
import XCTest

final class RingAllReduceTests: XCTestCase {
    private let scope = CollectiveScope(runID: 7, generation: 1, step: 17)

    /// Every rank's reduction of `inputs[rank]` over an in-memory group of `inputs.count`.
    private func allReduce<Element: CollectiveElement>(
        _ inputs: [[Element]],
        operation: ReductionOperation<Element>,
        pieceByteCount: Int = RingAllReduce.defaultPieceByteCount
    ) -> [[Element]?] {
        let hub = InMemoryTransportHub(size: inputs.count)
        let scope = self.scope
        return RankThreads.values(inputs.count) { rank in
            let ring = RingAllReduce(
                transport: hub.endpoints[rank], timeout: .seconds(10), pieceByteCount: pieceByteCount)
            return try ring.allReduce(inputs[rank], operation: operation, scope: scope)
        }
    }

    func testWrappingSumMatchesTheNaiveModelForEveryRankCountAndLength() {
        var random = TestValues(seed: 1)
        for size in 1...8 {
            for count in [0, 1, 2, 7, 64, 1000, 4099] {
                let inputs = (0..<size).map { _ in random.integers(count) }
                let expected = (0..<count).map { index in inputs.reduce(Int64(0)) { $0 &+ $1[index] } }

                for pieceByteCount in [RingAllReduce.defaultPieceByteCount, 24] {
                    let results = self.allReduce(inputs, operation: .wrappingSum, pieceByteCount: pieceByteCount)

                    for (rank, result) in results.enumerated() {
                        XCTAssertEqual(result, expected, "size \(size), count \(count), rank \(rank)")
                    }
                }
            }
        }
    }

    func testMaximumMatchesTheNaiveModelForEveryRankCountAndLength() {
        var random = TestValues(seed: 2)
        for size in 1...8 {
            for count in [0, 1, 2, 7, 64, 1000, 4099] {
                let inputs = (0..<size).map { _ in random.floats(count) }
                let expected = (0..<count).map { index in inputs.map { $0[index] }.max()! }

                let results = self.allReduce(inputs, operation: .maximum, pieceByteCount: 40)

                for (rank, result) in results.enumerated() {
                    XCTAssertEqual(result, expected, "size \(size), count \(count), rank \(rank)")
                }
            }
        }
    }

    func testFixedPointSumsAreBitIdenticalForEveryRankCountAndRingOrder() {
        var random = TestValues(seed: 3)
        let contributions = (0..<24).map { _ in random.integers(1001) }
        let reference = contributions.dropFirst().reduce(into: contributions[0]) { total, next in
            for index in total.indices { total[index] &+= next[index] }
        }

        for size in 1...8 {
            for order in 0..<3 {
                var shuffler = TestValues(seed: UInt64(size * 10 + order))
                var shuffled = contributions
                for index in stride(from: shuffled.count - 1, to: 0, by: -1) {
                    shuffled.swapAt(index, Int(shuffler.next() % UInt64(index + 1)))
                }
                let inputs = (0..<size).map { rank in
                    stride(from: rank, to: shuffled.count, by: size).reduce(into: [Int64](repeating: 0, count: 1001)) {
                        total, index in
                        for element in total.indices { total[element] &+= shuffled[index][element] }
                    }
                }

                let results = self.allReduce(inputs, operation: .wrappingSum, pieceByteCount: 800)

                XCTAssertEqual(Set(results.compactMap { $0 }).count, 1, "size \(size), order \(order)")
                XCTAssertEqual(results[0], reference, "size \(size), order \(order)")
            }
        }
    }

    func testFinishedSumsMatchTheNaiveModelAndEachPieceIsFinishedOnce() {
        var random = TestValues(seed: 4)
        for size in 1...8 {
            for count in [0, 1, 2, 7, 64, 1000, 4099] {
                let inputs = (0..<size).map { _ in random.integers(count) }
                // The finishing step depends on the position too, as the exact sum's exponents do.
                let expected = (0..<count).map { index in
                    Float(inputs.reduce(Int64(0)) { $0 &+ $1[index] }) * Float(index % 3 + 1)
                }

                for pieceByteCount in [RingAllReduce.defaultPieceByteCount, 24] {
                    let hub = InMemoryTransportHub(size: size)
                    let scope = self.scope
                    let results = RankThreads.values(size) { rank in
                        let ring = RingAllReduce(
                            transport: hub.endpoints[rank], timeout: .seconds(10), pieceByteCount: pieceByteCount)
                        var finishedCount = 0
                        let result: [Float] = try ring.allReduce(inputs[rank], operation: .wrappingSum, scope: scope) {
                            sums, range, values in
                            finishedCount += range.count
                            for (offset, index) in range.enumerated() {
                                values[offset] = Float(sums[offset]) * Float(index % 3 + 1)
                            }
                        }
                        return (result, finishedCount)
                    }

                    for (rank, outcome) in results.enumerated() {
                        XCTAssertEqual(outcome?.0, expected, "size \(size), count \(count), rank \(rank)")
                        // Each rank finishes only the chunk it completes: about count / size elements.
                        let chunk = RingPartition(count: count, parts: size).chunk((rank + 1) % size)
                        XCTAssertEqual(outcome?.1, size == 1 ? count : chunk.count, "size \(size), rank \(rank)")
                    }
                }
            }
        }
    }

    func testMaximumIsCommutativeOnTheBitsOfSignedZerosAndNaN() {
        let inputs: [[Float]] = [[-0.0, 0, .nan, 1, -.infinity], [0, -0.0, 2, .nan, -5]]

        for ordered in [inputs, inputs.reversed()] {
            let results = self.allReduce(ordered, operation: .maximum)

            for result in results {
                let bits = result?.map(\.bitPattern)
                XCTAssertEqual(
                    bits,
                    [
                        Float(0).bitPattern, Float(0).bitPattern, Float.nan.bitPattern,
                        Float.nan.bitPattern, Float(-5).bitPattern,
                    ])
            }
        }
    }

    func testGroupOfOneReturnsItsInputWithoutSendingAnything() throws {
        let hub = InMemoryTransportHub(size: 1)
        let ring = RingAllReduce(transport: hub.endpoints[0], timeout: .milliseconds(1))

        XCTAssertEqual(try ring.allReduce([3, -4, 5], operation: .wrappingSum, scope: self.scope), [3, -4, 5])
        XCTAssertEqual(try ring.broadcast([9, 8], from: 0, scope: self.scope), [9, 8])
    }

    func testBroadcastDeliversTheRootsBytesToEveryRank() {
        var random = TestValues(seed: 4)
        for size in 1...6 {
            for length in [0, 1, 1000, 4099] {
                let payload = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                let root = (size * 7 + length) % size
                let hub = InMemoryTransportHub(size: size)
                let scope = self.scope

                let results = RankThreads.values(size) { rank in
                    let ring = RingAllReduce(transport: hub.endpoints[rank], timeout: .seconds(10), pieceByteCount: 300)
                    return try ring.broadcast(rank == root ? payload : [], from: root, scope: scope)
                }

                for (rank, result) in results.enumerated() {
                    XCTAssertEqual(result, payload, "size \(size), length \(length), root \(root), rank \(rank)")
                }
            }
        }
    }

    func testBroadcastRefusesARootOutsideTheGroup() {
        let hub = InMemoryTransportHub(size: 3)
        let ring = RingAllReduce(transport: hub.endpoints[1], timeout: .seconds(1))

        XCTAssertThrowsError(try ring.broadcast([1], from: 3, scope: self.scope)) { error in
            XCTAssertEqual(
                "\(error)", "rank 1 cannot run broadcast: the root 3 is not a rank of a group of 3.")
        }
    }
}
