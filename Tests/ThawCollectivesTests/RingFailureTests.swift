import Foundation
import ThawCollectives
import XCTest

final class RingFailureTests: XCTestCase {
    private let scope = CollectiveScope(runID: 7, generation: 3, step: 17)

    /// Runs an all-reduce of 4099 integers on every rank of `hub` and returns each rank's error and the
    /// seconds it took to fail.
    private func failures(
        _ hub: InMemoryTransportHub,
        timeout: Duration,
        scopes: [CollectiveScope]? = nil,
        counts: [Int]? = nil
    ) -> [(error: CollectiveError?, seconds: TimeInterval)] {
        let scopes = scopes ?? Array(repeating: self.scope, count: hub.size)
        let counts = counts ?? Array(repeating: 4099, count: hub.size)
        let outcomes = RankThreads.run(hub.size, within: 20) { rank in
            let started = Date()
            let ring = RingAllReduce(transport: hub.endpoints[rank], timeout: timeout, pieceByteCount: 1024)
            do {
                _ = try ring.allReduce(
                    [Int64](repeating: 1, count: counts[rank]), operation: .wrappingSum, scope: scopes[rank])
                return (CollectiveError?.none, Date().timeIntervalSince(started))
            } catch let error as CollectiveError {
                return (error, Date().timeIntervalSince(started))
            }
        }
        return outcomes.map { outcome in
            guard case .success(let value) = outcome else {
                XCTFail("a rank hung or threw something other than a CollectiveError: \(outcome)")
                return (nil, .infinity)
            }
            return value
        }
    }

    func testABrokenLinkFailsEveryRankWithinTheTimeoutNamingRankPeerAndStep() {
        let hub = InMemoryTransportHub(size: 4)
        hub.inject(.broken, from: 1, to: 2)

        let outcomes = self.failures(hub, timeout: .milliseconds(500))

        for (rank, outcome) in outcomes.enumerated() {
            guard let error = outcome.error else {
                XCTFail("rank \(rank) completed an all-reduce over a broken link")
                continue
            }
            XCTAssertEqual(error.rank, rank)
            XCTAssertEqual(error.step, 17)
            XCTAssertLessThan(outcome.seconds, 2, "rank \(rank) took \(outcome.seconds) s to fail: \(error)")
        }
        guard case .linkFailed(2, 1, .receiving, let tag, _) = outcomes[2].error else {
            return XCTFail(
                "rank 2 should report the broken link from rank 1, got \(String(describing: outcomes[2].error))")
        }
        XCTAssertEqual(tag, CollectiveTag(scope: self.scope, operation: .reduceScatter, chunk: 1))
        guard case .linkFailed(1, 2, .sending, _, _) = outcomes[1].error else {
            return XCTFail(
                "rank 1 should report the broken link to rank 2, got \(String(describing: outcomes[1].error))")
        }
    }

    func testAStoppedRankMakesItsNeighboursTimeOutWithAMessageNamingTheWait() {
        let hub = InMemoryTransportHub(size: 3)
        hub.fail(rank: 0, with: .silent)

        let outcomes = self.failures(hub, timeout: .milliseconds(300))

        for (rank, outcome) in outcomes.enumerated() {
            XCTAssertEqual(outcome.error?.isTimeout, true, "rank \(rank): \(String(describing: outcome.error))")
            XCTAssertLessThan(outcome.seconds, 2)
        }
        XCTAssertEqual(
            outcomes[1].error?.description,
            "rank 1 timed out after 0.3 s receiving reduce-scatter chunk 0 of step 17 from rank 0; "
                + "rank 0 or a rank before it in the ring is stalled or gone.")
    }

    func testAMessageFromAnotherStepIsRejectedAsStale() {
        let hub = InMemoryTransportHub(size: 3)
        var stale = self.scope
        stale.step = 16

        let outcomes = self.failures(hub, timeout: .milliseconds(500), scopes: [stale, self.scope, self.scope])

        // Rank 0 (at step 16) and rank 1 (at step 17) each see the other's step first; whichever receives
        // first rejects the message and stops sending, so the other may time out instead.
        let rejections = outcomes.compactMap { outcome -> (CollectiveError, CollectiveTag, CollectiveTag)? in
            guard case .unexpectedTag(_, _, let expected, let received) = outcome.error else {
                return nil
            }
            return (outcome.error!, expected, received)
        }
        XCTAssertFalse(rejections.isEmpty, "no rank rejected a stale message: \(outcomes.map(\.error))")
        for (error, expected, received) in rejections {
            XCTAssertEqual(Set([expected.scope.step, received.scope.step]), [16, 17])
            XCTAssertTrue(error.description.contains("stale"), error.description)
        }
        XCTAssertTrue(outcomes.allSatisfy { $0.error != nil })
    }

    func testAMessageFromAnotherGenerationIsRejectedAtTheTransport() {
        let hub = InMemoryTransportHub(size: 2)
        var old = self.scope
        old.generation = 2
        let sent = CollectiveTag(scope: old, operation: .allGather, chunk: 1)
        let expected = CollectiveTag(scope: self.scope, operation: .allGather, chunk: 1)

        XCTAssertNoThrow(try hub.endpoints[0].send([1, 2, 3], to: 1, tag: sent, timeout: .seconds(1)))

        XCTAssertThrowsError(try hub.endpoints[1].receive(from: 0, tag: expected, timeout: .seconds(1))) { error in
            XCTAssertEqual(
                error as? CollectiveError, .unexpectedTag(rank: 1, peer: 0, expected: expected, received: sent))
        }
    }

    func testRanksDisagreeingOnTheElementCountFailWithAMalformedMessage() {
        let hub = InMemoryTransportHub(size: 2)

        let outcomes = self.failures(hub, timeout: .milliseconds(500), counts: [10, 12])

        // Rank 0 splits 10 elements into 5 + 5, rank 1 splits 12 into 6 + 6; whichever receives first
        // sees a chunk of the wrong length.
        let causes = outcomes.compactMap { outcome -> String? in
            guard case .malformedMessage(_, _, _, let cause) = outcome.error else {
                return nil
            }
            return cause
        }
        XCTAssertFalse(causes.isEmpty, "no rank noticed the length mismatch: \(outcomes.map(\.error))")
        for cause in causes {
            XCTAssertTrue(
                cause.hasPrefix("expected 40 bytes (5 elements) but 48 arrived")
                    || cause.hasPrefix("expected 48 bytes (6 elements) but 40 arrived"), cause)
        }
        XCTAssertTrue(outcomes.allSatisfy { $0.error != nil })
    }

    func testAReceiveWithNothingSentTimesOutAfterItsTimeout() {
        let hub = InMemoryTransportHub(size: 2)
        let tag = CollectiveTag(scope: self.scope, operation: .broadcast, chunk: 0)
        let started = Date()

        XCTAssertThrowsError(try hub.endpoints[0].receive(from: 1, tag: tag, timeout: .milliseconds(200))) { error in
            XCTAssertEqual(
                error as? CollectiveError,
                .timedOut(rank: 0, peer: 1, direction: .receiving, tag: tag, after: .milliseconds(200)))
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.19)
    }
}
