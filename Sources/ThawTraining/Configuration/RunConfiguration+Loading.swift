import Foundation

extension RunConfiguration {
    /// Reads, checks and resolves a JSON run file.
    ///
    /// Keys are checked strictly (an unknown key, such as `learningrate` for `learningRate`, is an error
    /// listing the valid keys). In the path fields (`model.weights`, `data.path`, `data.testPath`,
    /// `output`) `${VARIABLE}` is replaced from `environment`, then relative paths are resolved against
    /// the folder holding the run file. Finally every value is validated (see ``validate(source:)``).
    ///
    /// - Parameter environment: The variables for `${...}`; the process environment by default.
    /// - Throws: ``RunConfigurationError`` naming the file, the key path and the fix.
    public static func load(
        from url: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RunConfigurationError) -> RunConfiguration {
        let file = url.path
        let data = try Self.read(url)

        let decoded = try Self.decode(from: data, source: file)

        let resolved = try decoded.resolvingPaths(
            against: url.deletingLastPathComponent(),
            environment: environment,
            source: file
        )

        try resolved.validate(source: file)
        return resolved
    }

    /// Decodes a run file's JSON strictly, without resolving paths or validating values.
    ///
    /// - Parameter source: The file or peer the bytes came from, named in error messages.
    /// - Throws: ``RunConfigurationError`` for JSON syntax errors, unknown or missing keys and wrong types.
    public static func decode(from data: Data, source: String) throws(RunConfigurationError) -> RunConfiguration {
        do {
            return try JSONDecoder().decode(RunConfiguration.self, from: data)
        } catch let issue as RunFileIssue {
            throw issue.attributed(to: source)
        } catch DecodingError.typeMismatch(let type, let context) {
            let expected = Self.describeJSONType(type)
            throw .wrongType(file: source, keyPath: Self.keyPath(context.codingPath), expected: expected)
        } catch DecodingError.valueNotFound(let type, let context) {
            let expected = Self.describeJSONType(type)
            throw .wrongType(file: source, keyPath: Self.keyPath(context.codingPath), expected: expected)
        } catch DecodingError.keyNotFound(let key, let context) {
            throw .missingKey(file: source, keyPath: RunFileIssue.render(context.codingPath + [key]))
        } catch {
            throw .malformedJSON(file: source, reason: "the parser stopped before the end of a valid document")
        }
    }

    /// This configuration with `${VARIABLE}` expanded and relative paths made absolute against `folder`.
    ///
    /// - Throws: ``RunConfigurationError/undefinedVariable(file:keyPath:variable:)`` for a variable missing
    ///   from `environment`, ``RunConfigurationError/invalidValue(file:keyPath:problem:fix:)`` for a `${`
    ///   without its closing brace.
    public func resolvingPaths(
        against folder: URL,
        environment: [String: String],
        source: String
    ) throws(RunConfigurationError) -> RunConfiguration {
        let resolver = PathResolver(folder: folder, environment: environment, source: source)
        var resolved = self

        if let weights = self.model.weights {
            resolved.model.weights = try resolver.resolve(weights, keyPath: "model.weights")
        }
        resolved.data.path = try resolver.resolve(self.data.path, keyPath: "data.path")
        if let testPath = self.data.testPath {
            resolved.data.testPath = try resolver.resolve(testPath, keyPath: "data.testPath")
        }
        resolved.output = try resolver.resolve(self.output, keyPath: "output")

        return resolved
    }

    private static func read(_ url: URL) throws(RunConfigurationError) -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw .unreadable(file: url.path, reason: "no such file")
        }
        guard !isFolder.boolValue else {
            throw .unreadable(file: url.path, reason: "it is a folder, not a file")
        }

        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
    }

    private static func keyPath(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top level" : RunFileIssue.render(path)
    }

    private static func describeJSONType(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") { return "an object" }
        if name.hasPrefix("Array") { return "a list" }
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        if type == Double.self || type == Float.self { return "a number" }
        return "a whole number"
    }
}
