/// Picks the known word closest to a misspelt one, by edit distance.
enum SpellingSuggester {
    /// The candidate with the fewest edits from `word`, if it is close enough to be a likely typo: at most
    /// two edits, or a third of the word's length for long words. Ties go to the earlier candidate.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let allowed = max(2, word.count / 3)

        let scored = candidates.map { (candidate: $0, distance: Self.editDistance(word, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= allowed else {
            return nil
        }
        return best.candidate
    }

    /// The number of insertions, deletions, substitutions and swaps of adjacent characters that turn `a`
    /// into `b` (the optimal string alignment distance), ignoring case.
    ///
    /// - Complexity: O(a.count * b.count).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let source = Array(a.lowercased())
        let target = Array(b.lowercased())
        guard !source.isEmpty else { return target.count }
        guard !target.isEmpty else { return source.count }

        // distances[i][j]: edits between the first i characters of source and the first j of target.
        var distances = [[Int]](repeating: [Int](repeating: 0, count: target.count + 1), count: source.count + 1)
        for i in 0...source.count { distances[i][0] = i }
        for j in 0...target.count { distances[0][j] = j }

        for i in 1...source.count {
            for j in 1...target.count {
                let substitution = source[i - 1] == target[j - 1] ? 0 : 1
                var best = min(
                    distances[i - 1][j] + 1,
                    distances[i][j - 1] + 1,
                    distances[i - 1][j - 1] + substitution
                )
                if i > 1, j > 1, source[i - 1] == target[j - 2], source[i - 2] == target[j - 1] {
                    best = min(best, distances[i - 2][j - 2] + 1)
                }
                distances[i][j] = best
            }
        }
        return distances[source.count][target.count]
    }
}
