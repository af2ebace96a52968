import Foundation
import ThawCollectives
import XCTest

/// Runs one body per rank, each on a thread of its own, and gathers what they return or throw.
enum RankThreads {
    /// A rank that did not finish in time.
    struct DidNotFinish: Error, CustomStringConvertible {
        let rank: Int
        let seconds: TimeInterval

        var description: String {
            "rank \(self.rank) did not finish within \(self.seconds) s"
        }
    }

    /// The outcome of `body(rank)` for every rank in `0..<count`, in rank order; a rank still running after
    /// `seconds` is reported as `DidNotFinish`.
    static func run<Value: Sendable>(
        _ count: Int,
        within seconds: TimeInterval = 30,
        _ body: @escaping @Sendable (Int) throws -> Value
    ) -> [Result<Value, any Error>] {
        let outcomes = Outcomes<Value>(count: count)
        let group = DispatchGroup()
        for rank in 0..<count {
            group.enter()
            Thread.detachNewThread {
                let outcome = Result { try body(rank) }
                outcomes.set(rank, outcome)
                group.leave()
            }
        }

        _ = group.wait(timeout: .now() + seconds)
        return (0..<count).map { rank in
            outcomes.get(rank) ?? .failure(DidNotFinish(rank: rank, seconds: seconds))
        }
    }

    /// The values every rank returned, failing the test for any rank that threw.
    static func values<Value: Sendable>(
        _ count: Int,
        file: StaticString = #filePath,
        line: UInt = #line,
        _ body: @escaping @Sendable (Int) throws -> Value
    ) -> [Value?] {
        self.run(count, body).enumerated().map { rank, outcome in
            do {
                return try outcome.get()
            } catch {
                XCTFail("rank \(rank) of \(count) failed: \(error)", file: file, line: line)
                return nil
            }
        }
    }

    /// The per-rank outcomes, filled in by the rank threads.
    private final class Outcomes<Value: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<Value, any Error>?]

        init(count: Int) {
            self.results = Array(repeating: nil, count: count)
        }

        func set(_ rank: Int, _ result: Result<Value, any Error>) {
            self.lock.withLock { self.results[rank] = result }
        }

        func get(_ rank: Int) -> Result<Value, any Error>? {
            self.lock.withLock { self.results[rank] }
        }
    }
}
