import Foundation
import ThawTraining
import XCTest

final class MetricsLogTests: XCTestCase {
    private let records = [
        MetricsRecord(event: .phase, phase: "head", epoch: 1, fractionalEpoch: 0, learningRate: 0.02, wallTime: 100),
        MetricsRecord(
            event: .step,
            phase: "head",
            epoch: 1,
            step: 5,
            fractionalEpoch: 0.5,
            loss: 1.5,
            accuracy: 0.4,
            samplesPerSecond: 120.5,
            learningRate: 0.02,
            computeSeconds: 0.137,
            reduceSeconds: 0.0385,
            wallTime: 101.25
        ),
        MetricsRecord(
            event: .epoch,
            phase: "head",
            epoch: 1,
            fractionalEpoch: 1,
            loss: 1.1,
            accuracy: 0.6,
            samplesPerSecond: 118,
            validationLoss: 0.9,
            validationAccuracy: 0.7,
            computeSeconds: 0.14,
            reduceSeconds: 0.04,
            wallTime: 102.5
        ),
        MetricsRecord(
            event: .test, phase: "head", epoch: 1, fractionalEpoch: 1, loss: 0.95, accuracy: 0.69, wallTime: 103),
    ]

    func testRecordsRoundTripThroughTheFile() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("runs/demo/metrics.jsonl")

        let log = try MetricsLog(appendingTo: url)
        for record in self.records {
            try log.append(record)
        }
        try log.close()

        XCTAssertEqual(try MetricsLog.read(from: url), self.records)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(
            lines[0],
            #"{"epoch":1,"event":"phase","fractionalEpoch":0,"learningRate":0.02,"phase":"head","wallTime":100}"#
        )
    }

    func testStepRecordsAreWrittenWhenAnEpochRecordArrives() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("metrics.jsonl")
        let log = try MetricsLog(appendingTo: url)

        try log.append(self.records[1])
        let afterStep = try MetricsLog.read(from: url)

        try log.append(self.records[2])
        let afterEpoch = try MetricsLog.read(from: url)

        XCTAssertEqual(afterStep, [])
        XCTAssertEqual(afterEpoch, [self.records[1], self.records[2]])
    }

    func testReopeningAppendsAfterEarlierLines() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("metrics.jsonl")

        let first = try MetricsLog(appendingTo: url)
        try first.append(self.records[0])
        try first.close()
        let second = try MetricsLog(appendingTo: url)
        try second.append(self.records[2])
        try second.close()

        XCTAssertEqual(try MetricsLog.read(from: url), [self.records[0], self.records[2]])
    }

    func testNonFiniteLossSurvivesTheRoundTrip() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("metrics.jsonl")
        let diverged = MetricsRecord(
            event: .epoch, phase: "head", epoch: 2, fractionalEpoch: 2, loss: .nan, wallTime: 1)

        let log = try MetricsLog(appendingTo: url)
        try log.append(diverged)
        try log.close()

        let read = try MetricsLog.read(from: url)
        XCTAssertEqual(read.count, 1)
        XCTAssertTrue(read[0].loss?.isNaN == true)
    }

    func testAppendAfterCloseFails() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("metrics.jsonl")
        let log = try MetricsLog(appendingTo: url)
        try log.close()

        XCTAssertThrowsError(try log.append(self.records[0])) { error in
            XCTAssertEqual(
                (error as? MetricsLogError)?.description,
                "Cannot append to metrics log \(url.path): the log was closed. Check free disk space and permissions."
            )
        }
    }

    func testMalformedLineIsReportedWithItsNumber() throws {
        let folder = try TemporaryFolder(testCase: self)
        let good = #"{"epoch":1,"event":"phase","fractionalEpoch":0,"phase":"head","wallTime":100}"#
        let url = try folder.write(good + "\n\n" + #"{"epoch":1,"event":"step""# + "\n", to: "metrics.jsonl")

        XCTAssertThrowsError(try MetricsLog.read(from: url)) { error in
            XCTAssertEqual(
                error as? MetricsLogError,
                .malformedLine(file: url.path, line: 3, reason: "it is not a complete JSON object")
            )
        }
    }

    func testRecordWithUnknownEventIsMalformed() throws {
        let folder = try TemporaryFolder(testCase: self)
        let line = #"{"epoch":1,"event":"pause","fractionalEpoch":0,"phase":"head","wallTime":100}"#
        let url = try folder.write(line + "\n", to: "metrics.jsonl")

        XCTAssertThrowsError(try MetricsLog.read(from: url)) { error in
            XCTAssertEqual(
                (error as? MetricsLogError)?.description,
                "Metrics log \(url.path) line 1 is not a metrics record: \"event\" has an invalid value. "
                    + "Delete the line if the run was cut off while writing it."
            )
        }
    }

    func testMissingLogIsUnreadable() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("absent.jsonl")

        XCTAssertThrowsError(try MetricsLog.read(from: url)) { error in
            XCTAssertEqual(error as? MetricsLogError, .unreadable(file: url.path, reason: "no such file"))
        }
    }
}
