import ThawCollectives
import XCTest

final class RingPartitionTests: XCTestCase {
    func testChunksTileTheElementsInOrderAndDifferByAtMostOne() {
        for parts in 1...8 {
            for count in [0, 1, 2, 7, 64, 1000, 4099] {
                let partition = RingPartition(count: count, parts: parts)
                let chunks = (0..<parts).map { partition.chunk($0) }

                XCTAssertEqual(chunks.first?.lowerBound, 0)
                XCTAssertEqual(chunks.last?.upperBound, count)
                XCTAssertTrue(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                let lengths = chunks.map(\.count)
                XCTAssertLessThanOrEqual(lengths.max()! - lengths.min()!, 1, "count \(count), parts \(parts)")
            }
        }
    }

    func testSmallCountsLeaveTheLastChunksEmpty() {
        let partition = RingPartition(count: 2, parts: 5)

        XCTAssertEqual((0..<5).map { partition.chunk($0) }, [0..<1, 1..<2, 2..<2, 2..<2, 2..<2])
        XCTAssertEqual(partition.pieces(ofChunk: 3), [])
    }

    func testPiecesCutAChunkIntoRunsOfAtMostThePieceLength() {
        let partition = RingPartition(count: 23, parts: 2, pieceLength: 5)

        XCTAssertEqual(partition.chunk(0), 0..<12)
        XCTAssertEqual(partition.pieces(ofChunk: 0), [0..<5, 5..<10, 10..<12])
        XCTAssertEqual(partition.pieces(ofChunk: 1), [12..<17, 17..<22, 22..<23])
    }

    func testAnUnboundedPieceLengthKeepsEachChunkWhole() {
        let partition = RingPartition(count: 4099, parts: 3, pieceLength: .max)

        XCTAssertEqual(partition.pieces(ofChunk: 2), [2733..<4099])
    }
}
