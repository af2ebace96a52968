import XCTest

@testable import ThawCommandLine

final class SpellingSuggesterTests: XCTestCase {
    func testEditDistanceCountsEachKindOfEditOnce() {
        XCTAssertEqual(SpellingSuggester.editDistance("workers", "workers"), 0)
        XCTAssertEqual(SpellingSuggester.editDistance("worker", "workers"), 1)
        XCTAssertEqual(SpellingSuggester.editDistance("wrokers", "workers"), 1)
        XCTAssertEqual(SpellingSuggester.editDistance("workerz", "workers"), 1)
        XCTAssertEqual(SpellingSuggester.editDistance("", "abc"), 3)
        XCTAssertEqual(SpellingSuggester.editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(SpellingSuggester.editDistance("Workers", "workers"), 0)
    }

    func testSuggestionPrefersTheClosestCandidate() {
        let candidates = ["--workers", "--port", "--verbose"]

        XCTAssertEqual(SpellingSuggester.suggestion(for: "--prot", among: candidates), "--port")
        XCTAssertEqual(SpellingSuggester.suggestion(for: "--verbos", among: candidates), "--verbose")
        XCTAssertNil(SpellingSuggester.suggestion(for: "--seed", among: candidates))
        XCTAssertNil(SpellingSuggester.suggestion(for: "--x", among: []))
    }
}
