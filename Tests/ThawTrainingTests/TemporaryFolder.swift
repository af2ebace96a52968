import Foundation
import XCTest

/// A fresh folder under the system's temporary directory, removed when the test ends.
struct TemporaryFolder {
    let url: URL

    init(testCase: XCTestCase) throws {
        self.url = FileManager.default.temporaryDirectory
            .appendingPathComponent("thaw-training-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)

        let url = self.url
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    }

    /// Writes `text` to `name` inside the folder and returns its URL.
    func write(_ text: String, to name: String) throws -> URL {
        let file = self.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: file)
        return file
    }
}
