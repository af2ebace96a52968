extension Decoder {
    /// The keyed container for a run-file object, after checking that it has no key outside `Key`.
    ///
    /// - Throws: ``RunFileIssue/unknownKey(location:key:validKeys:)`` for the first undeclared key, or a
    ///   `DecodingError.typeMismatch` when the value is not an object.
    func strictContainer<Key: CodingKey & CaseIterable>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let validKeys = Key.allCases.map(\.stringValue)
        let object = try self.container(keyedBy: RunFileKey.self)

        let unknown = object.allKeys.map(\.stringValue).filter { !validKeys.contains($0) }.sorted()
        if let key = unknown.first {
            throw RunFileIssue.unknownKey(
                location: RunFileIssue.render(self.codingPath),
                key: key,
                validKeys: validKeys
            )
        }

        return try self.container(keyedBy: Key.self)
    }
}
