import Foundation
import ThawCollectives
import ThawWire
import XCTest

final class TLSRingTransportTests: XCTestCase {
    private let scope = CollectiveScope(runID: 7, generation: 1, step: 17)

    func testThreeRanksOverTLSReduceAMegabyteOfIntegersExactlyAndBroadcast() throws {
        let workers = [4, 9, 2]
        let ring = try TLSTestRing(workers: workers)
        var random = TestValues(seed: 5)
        let inputs = workers.map { _ in random.integers(131_072) }
        let expected = (0..<131_072).map { index in inputs.reduce(Int64(0)) { $0 &+ $1[index] } }
        let weights = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let scope = self.scope

        let outcomes = try ring.run(workers: workers) { transport in
            let collectives = RingAllReduce(transport: transport, timeout: .seconds(10), pieceByteCount: 64 * 1024)
            let sums = try collectives.allReduce(inputs[transport.rank], operation: .wrappingSum, scope: scope)
            var next = scope
            next.step += 1
            let received = try collectives.broadcast(transport.rank == 1 ? weights : [], from: 1, scope: next)
            return (sums, received, transport.successorLink?.peerIdentity, transport.predecessorLink?.peerIdentity)
        }

        for (rank, outcome) in outcomes.enumerated() {
            let (sums, received, successor, predecessor) = try outcome.get()
            XCTAssertEqual(sums, expected, "rank \(rank)")
            XCTAssertEqual(received, weights, "rank \(rank)")
            XCTAssertEqual(successor, .worker(workers[(rank + 1) % 3]))
            XCTAssertEqual(predecessor, .worker(workers[(rank + 2) % 3]))
        }
    }

    func testAMessageFromAnotherGenerationIsRejectedOverTLS() throws {
        let ring = try TLSTestRing(workers: [1, 2])
        let current = CollectiveTag(scope: self.scope, operation: .reduceScatter, chunk: 0)
        let stale = CollectiveTag(
            scope: CollectiveScope(runID: 7, generation: 0, step: 17), operation: .reduceScatter, chunk: 0)

        let outcomes = try ring.run(workers: [1, 2]) { transport -> CollectiveError? in
            if transport.rank == 0 {
                try transport.send([1, 2, 3, 4], to: 1, tag: stale, timeout: .seconds(5))
                return nil
            }
            do {
                _ = try transport.receive(from: 0, tag: current, timeout: .seconds(5))
                return nil
            } catch let error as CollectiveError {
                return error
            }
        }

        XCTAssertEqual(
            try outcomes[1].get(), .unexpectedTag(rank: 1, peer: 0, expected: current, received: stale))
    }

    func testARankWhoseNeighbourClosesItsLinksFailsWithALinkErrorNotAHang() throws {
        let ring = try TLSTestRing(workers: [1, 2, 3])
        let scope = self.scope

        let outcomes = try ring.run(workers: [1, 2, 3]) { transport -> (CollectiveError?, TimeInterval) in
            let started = Date()
            if transport.rank == 1 {
                transport.close()
                return (nil, 0)
            }
            let collectives = RingAllReduce(transport: transport, timeout: .seconds(3))
            do {
                _ = try collectives.allReduce([Int64](repeating: 1, count: 1000), operation: .wrappingSum, scope: scope)
                return (nil, Date().timeIntervalSince(started))
            } catch let error as CollectiveError {
                return (error, Date().timeIntervalSince(started))
            }
        }

        let (error, seconds) = try outcomes[2].get()
        guard case .linkFailed(2, 1, .receiving, _, let cause) = error else {
            return XCTFail("rank 2 should lose its link from rank 1, got \(String(describing: error))")
        }
        XCTAssertTrue(cause.contains("thaw-worker-2"), cause)
        XCTAssertLessThan(seconds, 2)
        XCTAssertNotNil(try outcomes[0].get().0)
    }

    func testRingSetupRefusesANeighbourPresentingAnotherWorkersCertificate() throws {
        let ring = try TLSTestRing(workers: [1, 2, 6])
        let (listeners, members) = try ring.listen(certificates: [1, 6], claimed: [1, 2])
        defer { listeners.forEach { $0.close() } }
        let contexts = try [1, 6].map { try ring.context(worker: $0) }

        let outcomes = RankThreads.run(2) { rank in
            try TLSRingTransport.establish(
                rank: rank, members: members, listener: listeners[rank], context: contexts[rank], runID: 7,
                generation: 1, timeout: .seconds(2))
        }

        guard case .failure(let error as CollectiveError) = outcomes[0],
            case .ringSetupFailed(0, 1, let cause) = error
        else {
            return XCTFail("rank 0 should refuse worker 6 posing as worker 2, got \(outcomes[0])")
        }
        XCTAssertTrue(cause.contains("thaw-worker-6"), cause)
        XCTAssertThrowsError(try outcomes[1].get())
    }
}
