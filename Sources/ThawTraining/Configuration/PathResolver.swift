import Foundation

/// Expands `${VARIABLE}` in run-file paths and makes relative paths absolute against the run file's folder.
struct PathResolver {
    let folder: URL
    let environment: [String: String]
    let source: String

    /// `path` with every `${NAME}` replaced by the variable's value, made absolute against ``folder``.
    /// A `$` not followed by `{` is kept as written.
    func resolve(_ path: String, keyPath: String) throws(RunConfigurationError) -> String {
        let expanded = try self.expand(path, keyPath: keyPath)

        if expanded.hasPrefix("/") {
            return URL(fileURLWithPath: expanded).standardizedFileURL.path
        }
        return self.folder.appendingPathComponent(expanded).standardizedFileURL.path
    }

    private func expand(_ path: String, keyPath: String) throws(RunConfigurationError) -> String {
        var result = ""
        var rest = Substring(path)

        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            let afterBrace = rest[start.upperBound...]

            guard let end = afterBrace.firstIndex(of: "}") else {
                throw .invalidValue(
                    file: self.source,
                    keyPath: keyPath,
                    problem: "has \"${\" without a closing \"}\" in \"\(path)\"",
                    fix: "Write variables as ${NAME}."
                )
            }

            let name = String(afterBrace[..<end])
            guard let value = self.environment[name] else {
                throw .undefinedVariable(file: self.source, keyPath: keyPath, variable: name)
            }
            result += value
            rest = afterBrace[afterBrace.index(after: end)...]
        }

        return result + rest
    }
}
