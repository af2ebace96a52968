/// Readers for run-file values that report the key path and the expected JSON type on any mismatch, and
/// that treat an absent key and `null` alike for optional values.
///
/// Every error from decoding a scalar is taken as a mismatch: JSONDecoder reports a fraction where a whole
/// number is expected with an internal error type rather than a `DecodingError`.
extension KeyedDecodingContainer {
    func keyPath(_ key: Key) -> String {
        RunFileIssue.render(self.codingPath + [key])
    }

    /// A nested object or list that must be present.
    func required<Value: Decodable>(_ type: Value.Type, _ key: Key) throws -> Value {
        guard self.contains(key) else { throw RunFileIssue.missingKey(keyPath: self.keyPath(key)) }
        return try self.decode(type, forKey: key)
    }

    func requiredNumber(_ key: Key) throws -> Double {
        try self.requiredScalar(Double.self, key, expected: "a number")
    }

    func optionalNumber(_ key: Key) throws -> Double? {
        try self.optionalScalar(Double.self, key, expected: "a number")
    }

    func requiredWholeNumber(_ key: Key) throws -> Int {
        try self.requiredScalar(Int.self, key, expected: "a whole number")
    }

    func optionalWholeNumber(_ key: Key) throws -> Int? {
        try self.optionalScalar(Int.self, key, expected: "a whole number")
    }

    func requiredSeed(_ key: Key) throws -> UInt64 {
        try self.requiredScalar(UInt64.self, key, expected: "a whole number from 0 to \(UInt64.max)")
    }

    func requiredText(_ key: Key) throws -> String {
        try self.requiredScalar(String.self, key, expected: "a string")
    }

    func optionalText(_ key: Key) throws -> String? {
        try self.optionalScalar(String.self, key, expected: "a string")
    }

    func optionalBool(_ key: Key) throws -> Bool? {
        try self.optionalScalar(Bool.self, key, expected: "true or false")
    }

    /// A string that must be the raw value of one of `Choice`'s cases.
    func requiredChoice<Choice: RawRepresentable<String> & CaseIterable>(_ key: Key) throws -> Choice {
        let word = try self.requiredText(key)
        guard let choice = Choice(rawValue: word) else {
            let allowed = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw RunFileIssue.notOneOf(keyPath: self.keyPath(key), value: word, allowed: allowed)
        }
        return choice
    }

    func optionalWholeNumbers(_ key: Key) throws -> [Int]? {
        guard try self.isPresent(key) else { return nil }
        return try self.list(key, of: Int.self, expected: "a whole number", listExpected: "a list of whole numbers")
    }

    func requiredTexts(_ key: Key) throws -> [String] {
        guard try self.isPresent(key) else { throw RunFileIssue.missingKey(keyPath: self.keyPath(key)) }
        return try self.list(key, of: String.self, expected: "a string", listExpected: "a list of strings")
    }

    private func isPresent(_ key: Key) throws -> Bool {
        guard self.contains(key) else { return false }
        return !(try self.decodeNil(forKey: key))
    }

    private func requiredScalar<Value: Decodable>(_ type: Value.Type, _ key: Key, expected: String) throws -> Value {
        guard self.contains(key) else { throw RunFileIssue.missingKey(keyPath: self.keyPath(key)) }
        do {
            return try self.decode(type, forKey: key)
        } catch {
            throw RunFileIssue.wrongType(keyPath: self.keyPath(key), expected: expected)
        }
    }

    private func optionalScalar<Value: Decodable>(_ type: Value.Type, _ key: Key, expected: String) throws -> Value? {
        guard try self.isPresent(key) else { return nil }
        return try self.requiredScalar(type, key, expected: expected)
    }

    private func list<Element: Decodable>(
        _ key: Key,
        of type: Element.Type,
        expected: String,
        listExpected: String
    ) throws -> [Element] {
        var items: UnkeyedDecodingContainer
        do {
            items = try self.nestedUnkeyedContainer(forKey: key)
        } catch {
            throw RunFileIssue.wrongType(keyPath: self.keyPath(key), expected: listExpected)
        }

        var elements: [Element] = []
        while !items.isAtEnd {
            let index = items.currentIndex
            do {
                elements.append(try items.decode(type))
            } catch {
                throw RunFileIssue.wrongType(keyPath: self.keyPath(key) + "[\(index)]", expected: expected)
            }
        }
        return elements
    }
}
