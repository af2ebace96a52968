import Foundation
import ThawTraining
import XCTest

/// Each way a run file can be wrong, checked by its message.
final class RunConfigurationErrorTests: XCTestCase {
    private func loadError(
        _ json: String,
        environment: [String: String] = [:],
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> String {
        let folder = try TemporaryFolder(testCase: self)
        let url = try folder.write(json, to: "run.json")
        do {
            _ = try RunConfiguration.load(from: url, environment: environment)
            XCTFail("expected the run file to be rejected", file: file, line: line)
            return ""
        } catch {
            XCTAssertEqual(error.file, url.path, file: file, line: line)
            return error.description.replacingOccurrences(of: url.path, with: "run.json")
        }
    }

    private func replacing(_ target: String, with replacement: String) -> String {
        precondition(RunConfigurationTests.minimal.contains(target), "fixture lacks \(target)")
        return RunConfigurationTests.minimal.replacingOccurrences(of: target, with: replacement)
    }

    func testMisspeltKeyListsTheValidKeysAtItsLevel() throws {
        let json = self.replacing(#""learningRate": 0.1"#, with: #""learningrate": 0.1"#)

        XCTAssertEqual(
            try self.loadError(json),
            #"run.json: unknown key "learningrate" in phases[0].optimizer. "#
                + "Valid keys there: learningRate, momentum, decay, nesterov."
        )
    }

    func testUnknownTopLevelKeyIsNamed() throws {
        let json = self.replacing(#""seed": 7,"#, with: #""seed": 7, "epochs": 3,"#)

        XCTAssertEqual(
            try self.loadError(json),
            #"run.json: unknown key "epochs" at the top level. "#
                + "Valid keys there: name, seed, model, data, batchSize, microShardSize, phases, output."
        )
    }

    func testWrongTypeNamesTheKeyPath() throws {
        let json = self.replacing(#""learningRate": 0.1"#, with: #""learningRate": "fast""#)

        XCTAssertEqual(try self.loadError(json), "run.json: phases[0].optimizer.learningRate must be a number.")
    }

    func testFractionWhereWholeNumberIsExpectedIsAWrongType() throws {
        let json = self.replacing(#""batchSize": 16"#, with: #""batchSize": 16.5"#)

        XCTAssertEqual(try self.loadError(json), "run.json: batchSize must be a whole number.")
    }

    func testObjectWhereListIsExpectedIsAWrongType() throws {
        let json = self.replacing(#""classes": 10"#, with: #""classes": 10, "hidden": {"width": 3}"#)

        XCTAssertEqual(try self.loadError(json), "run.json: model.hidden must be a list of whole numbers.")
    }

    func testWrongTypeInsideAListNamesTheIndex() throws {
        let json = self.replacing(#""classes": 10"#, with: #""classes": 10, "hidden": [64, "wide"]"#)

        XCTAssertEqual(try self.loadError(json), "run.json: model.hidden[1] must be a whole number.")
    }

    func testNonObjectSectionIsAWrongType() throws {
        let json = self.replacing(#""model": {"architecture": "mlp", "classes": 10}"#, with: #""model": "mlp""#)

        XCTAssertEqual(try self.loadError(json), "run.json: model must be an object.")
    }

    func testPhasesMustBeAList() throws {
        let json = self.replacing(
            #""phases": [{"name": "all", "epochs": 2, "trainable": "all", "optimizer": {"learningRate": 0.1}}]"#,
            with: #""phases": {"name": "all"}"#
        )

        XCTAssertEqual(try self.loadError(json), "run.json: phases must be a list.")
    }

    func testNullRequiredValueIsAWrongType() throws {
        let json = self.replacing(#""seed": 7"#, with: #""seed": null"#)

        XCTAssertEqual(
            try self.loadError(json), "run.json: seed must be a whole number from 0 to 18446744073709551615.")
    }

    func testMissingRequiredKeyIsNamed() throws {
        let json = self.replacing(#""imageSize": 32"#, with: #""validationCount": 10"#)

        XCTAssertEqual(try self.loadError(json), "run.json: data.imageSize is missing. Add it; it has no default.")
    }

    func testUnknownArchitectureListsTheChoices() throws {
        let json = self.replacing(#""architecture": "mlp""#, with: #""architecture": "resnet50""#)

        XCTAssertEqual(
            try self.loadError(json),
            #"run.json: model.architecture must be one of "mobilenet_v2", "mlp", "small_cnn", got "resnet50"."#
        )
    }

    func testUnknownTrainableWordListsTheForms() throws {
        let json = self.replacing(#""trainable": "all""#, with: #""trainable": "base""#)

        XCTAssertEqual(
            try self.loadError(json),
            #"run.json: phases[0].trainable must be one of "head", "all", {"top": N} or "#
                + #"{"prefixes": ["features.17", ...]}, got "base"."#
        )
    }

    func testTrainableObjectWithTwoKeysIsRejected() throws {
        let json = self.replacing(#""trainable": "all""#, with: #""trainable": {"top": 2, "prefixes": ["a"]}"#)

        XCTAssertEqual(
            try self.loadError(json),
            #"run.json: phases[0].trainable must be "head", "all", {"top": N} or "#
                + #"{"prefixes": ["features.17", ...]} (an object with exactly one key)."#
        )
    }

    func testTrainableObjectWithUnknownKeyListsItsKeys() throws {
        let json = self.replacing(#""trainable": "all""#, with: #""trainable": {"tops": 2}"#)

        XCTAssertEqual(
            try self.loadError(json),
            #"run.json: unknown key "tops" in phases[0].trainable. Valid keys there: top, prefixes."#
        )
    }

    func testUnsetVariableIsNamed() throws {
        let json = self.replacing(#""classes": 10"#, with: #""classes": 10, "weights": "${THAW_CACHE}/w.pth""#)

        XCTAssertEqual(
            try self.loadError(json),
            "run.json: model.weights uses ${THAW_CACHE}, which is not set in the environment. "
                + "Set THAW_CACHE (for THAW_CACHE, the folder scripts/setup fills) or write the path out in full."
        )
    }

    func testUnclosedVariableIsRejected() throws {
        let json = self.replacing(#""path": "photos""#, with: #""path": "${HOME/photos""#)

        XCTAssertEqual(
            try self.loadError(json, environment: ["HOME": "/root"]),
            #"run.json: data.path has "${" without a closing "}" in "${HOME/photos". Write variables as ${NAME}."#
        )
    }

    func testSyntaxErrorIsReportedAsMalformedJSON() throws {
        let json = String(RunConfigurationTests.minimal.dropLast())

        XCTAssertEqual(
            try self.loadError(json),
            "Run file run.json is not valid JSON: the parser stopped before the end of a valid document. "
                + "Check for missing commas, quotes or brackets (python3 -m json.tool shows the line)."
        )
    }

    func testMissingFileIsUnreadable() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("absent.json")

        XCTAssertThrowsError(try RunConfiguration.load(from: url)) { error in
            XCTAssertEqual(
                (error as? RunConfigurationError)?.description,
                "Cannot read run file \(url.path): no such file. Check the path and its permissions."
            )
        }
    }

    func testFolderIsUnreadable() throws {
        let folder = try TemporaryFolder(testCase: self)

        XCTAssertThrowsError(try RunConfiguration.load(from: folder.url)) { error in
            XCTAssertEqual(
                (error as? RunConfigurationError)?.description,
                "Cannot read run file \(folder.url.path): it is a folder, not a file. "
                    + "Check the path and its permissions."
            )
        }
    }
}
