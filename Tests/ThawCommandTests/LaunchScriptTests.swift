import Foundation
import XCTest

/// `scripts/launch` against a real `sshd` on a loopback port: "hosts" that are all 127.0.0.1, with stand-in commands
/// in the cluster file for the mechanics (output, failures, interrupts) and with the real `thaw coordinator` and
/// `thaw worker` for a whole run.
final class LaunchScriptTests: XCTestCase {
    private var folder: URL!
    private var server: SSHServer!

    override func setUpWithError() throws {
        self.folder = try ThawProcess.temporaryFolder(for: self)
        self.server = try SSHServer(in: self.folder)
        let server = self.server!
        self.addTeardownBlock { server.stop() }
    }

    func testLaunchRunsEachWorkerOverSSHAndForwardsPrefixedOutput() throws {
        let marks = self.folder.appendingPathComponent("marks").path
        let cluster = try self.writeCluster(
            coordinator: """
                i=0; while [ "$(ls \(marks) | wc -l)" -lt 3 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; \
                echo coordinator saw $(ls \(marks) | wc -l) of {workers} workers; echo coordinator note >&2
                """,
            worker: """
                echo "$SSH_CONNECTION" > \(marks)/worker-{id}; echo worker {id} at {address} dials {coordinator}
                """)
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)

        let result = try ExternalProcess.run([Self.launch, cluster])

        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("[coordinator local] coordinator saw 3 of 3 workers"))
        XCTAssertTrue(result.standardError.contains("[coordinator local] coordinator note"), result.standardError)
        for id in 1...3 {
            let line = "[worker-\(id) root@127.0.0.1] worker \(id) at 127.0.0.\(id) dials 127.0.0.1:7070"
            XCTAssertTrue(result.standardOutput.contains(line), result.standardOutput)

            let connection = try String(contentsOfFile: "\(marks)/worker-\(id)", encoding: .utf8)
            XCTAssertTrue(
                connection.hasSuffix("127.0.0.1 \(self.server.port)\n"),
                "worker \(id) did not run through the test's sshd: SSH_CONNECTION was '\(connection)'")
        }
    }

    func testFailingWorkerStopsTheOthersAndLaunchFails() throws {
        let pids = self.folder.appendingPathComponent("pids").path
        try FileManager.default.createDirectory(atPath: pids, withIntermediateDirectories: true)
        let cluster = try self.writeCluster(
            coordinator: "echo $$ > \(pids)/coordinator; exec sleep 60",
            worker: """
                if [ {id} = 3 ]; then \
                while [ ! -s \(pids)/1 ] || [ ! -s \(pids)/2 ]; do sleep 0.05; done; echo "worker 3 fails" >&2; exit 7; \
                fi; echo $$ > \(pids)/{id}; exec sleep 60
                """)

        let started = ContinuousClock.now
        let result = try ExternalProcess.run([Self.launch, cluster])

        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20))
        XCTAssertTrue(
            result.standardError.contains("worker-3 on root@127.0.0.1 exited with status 7"), result.standardError)
        XCTAssertTrue(result.standardError.contains("[worker-3 root@127.0.0.1] worker 3 fails"), result.standardError)
        try self.assertStopped(pidFiles: ["coordinator", "1", "2"].map { "\(pids)/\($0)" })
    }

    func testLaunchExitsWithTheCoordinatorsStatusAndStopsTheWorkers() throws {
        let pids = self.folder.appendingPathComponent("pids").path
        try FileManager.default.createDirectory(atPath: pids, withIntermediateDirectories: true)
        let cluster = try self.writeCluster(
            coordinator: "while [ $(ls \(pids) | wc -l) -lt 3 ]; do sleep 0.05; done; echo giving up; exit 5",
            worker: "echo $$ > \(pids)/{id}; exec sleep 60")

        let result = try ExternalProcess.run([Self.launch, "--grace", "1", cluster])

        XCTAssertEqual(result.status, 5, result.standardError)
        XCTAssertTrue(result.standardError.contains("the coordinator exited with status 5"), result.standardError)
        try self.assertStopped(pidFiles: ["1", "2", "3"].map { "\(pids)/\($0)" })
    }

    func testInterruptStopsTheCoordinatorAndTheRemoteWorkers() throws {
        let pids = self.folder.appendingPathComponent("pids").path
        try FileManager.default.createDirectory(atPath: pids, withIntermediateDirectories: true)
        let cluster = try self.writeCluster(
            coordinator: "echo $$ > \(pids)/coordinator; exec sleep 60",
            worker: "echo $$ > \(pids)/{id}; trap 'echo worker {id} got SIGTERM; exit 143' TERM; sleep 60 & wait")
        let launch = try ExternalProcess([Self.launch, cluster])
        let allStarted = ExternalProcess.poll(timeout: .seconds(15)) {
            (try? FileManager.default.contentsOfDirectory(atPath: pids).count) == 4
        }
        XCTAssertTrue(allStarted, "not every role started: \(launch.standardError)")

        launch.send(SIGINT)

        XCTAssertEqual(launch.waitForExit(timeout: .seconds(20)), 130, launch.standardError)
        XCTAssertTrue(launch.standardError.contains("interrupt received"), launch.standardError)
        XCTAssertTrue(launch.standardOutput.contains("[worker-2 root@127.0.0.1] worker 2 got SIGTERM"))
        try self.assertStopped(pidFiles: ["coordinator", "1", "2", "3"].map { "\(pids)/\($0)" })
    }

    func testLaunchRunsARealRunOverSSHThatEndsBitIdenticalToOneProcess() throws {
        let runFile = try TinyRunFile(
            name: "launched", seed: 5, trainLimit: 48, validationCount: 16, testLimit: 16, headEpochs: 1,
            fineTuneTrainable: #"{"top": 8}"#, nesterov: false
        ).write(in: self.folder)
        let certs = self.folder.appendingPathComponent("certs")
        let issued = try ThawProcess.run(["certs", "--out", certs.path, "--workers", "2"])
        XCTAssertEqual(issued.status, 0, issued.standardError)

        // The real `thaw coordinator` here and a real `thaw worker` per "host", each started through sshd.
        let output = self.folder.appendingPathComponent("launched-out")
        let cluster: [String: Any] = [
            "run": runFile.path, "thaw": ThawProcess.executable.path, "certs": certs.path,
            "ssh": self.server.clientCommand,
            "coordinator": [
                "address": "127.0.0.1", "port": Int.random(in: 20_000...40_000), "listen": "127.0.0.1",
                "output": output.path,
            ],
            "workers": (1...2).map { ["id": $0, "host": "root@127.0.0.1", "address": "127.0.0.1"] },
        ]
        let clusterFile = self.folder.appendingPathComponent("real.cluster.json")
        try JSONSerialization.data(withJSONObject: cluster, options: [.prettyPrinted]).write(to: clusterFile)

        let launched = try ExternalProcess.run([Self.launch, clusterFile.path], timeout: .seconds(180))
        XCTAssertEqual(launched.status, 0, launched.standardError)
        XCTAssertTrue(launched.standardError.contains("ring formed"), launched.standardError)

        let reference = try ThawProcess.run([
            "train", runFile.path, "--quiet", "--output", self.folder.appendingPathComponent("one").path,
        ])
        XCTAssertEqual(reference.status, 0, reference.standardError)
        XCTAssertEqual(
            try Data(contentsOf: output.appendingPathComponent("checkpoint.safetensors")),
            try Data(contentsOf: self.folder.appendingPathComponent("one/checkpoint.safetensors")))
    }

    func testDryRunPrintsTheThawCommandsOfTheExampleCluster() throws {
        let example = ThawProcess.repositoryRoot.appendingPathComponent("cluster/example.cluster.json").path

        let result = try ExternalProcess.run([Self.launch, "--dry-run", example])

        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, result.standardOutput)
        XCTAssertEqual(
            lines.first,
            "coordinator on this host: '/srv/thaw/.build/release/thaw' coordinator 'cluster/runs/fashion-smoke.json' "
                + "--listen '0.0.0.0:7070' --workers '3' --certs '/srv/thaw/certs' --output 'runs/cluster-smoke'")
        XCTAssertEqual(
            lines.last,
            "worker 3 on thaw@node3.example.net: '/opt/thaw/bin/thaw' worker --coordinator '10.0.0.10:7070' --id '3' "
                + "--certs '/etc/thaw/certs' --ring-listen '10.0.0.13:7071'")
    }

    func testMissingWorkerAddressIsReportedBeforeAnythingStarts() throws {
        let cluster = self.folder.appendingPathComponent("broken.cluster.json")
        try Data(
            (#"{"run": "run.json", "certs": "certs", "coordinator": {"address": "127.0.0.1", "port": 7070}, "#
                + #""workers": [{"id": 1, "host": "root@127.0.0.1"}]}"#).utf8
        ).write(to: cluster)

        let result = try ExternalProcess.run([Self.launch, cluster.path])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("\"address\" (where ring peers dial it) in workers[0]"))
    }

    // MARK: - Helpers

    private static var launch: String {
        ThawProcess.repositoryRoot.appendingPathComponent("scripts/launch").path
    }

    /// Writes a cluster file of a local coordinator and workers 1 to 3 on root@127.0.0.1, reached through the
    /// test's sshd, with the given command templates.
    private func writeCluster(coordinator: String, worker: String) throws -> String {
        let cluster: [String: Any] = [
            "run": "run.json",
            "ssh": self.server.clientCommand,
            "coordinator": ["address": "127.0.0.1", "port": 7070],
            "workers": (1...3).map { ["id": $0, "host": "root@127.0.0.1", "address": "127.0.0.\($0)"] },
            "commands": ["coordinator": coordinator, "worker": worker],
        ]
        let url = self.folder.appendingPathComponent("test.cluster.json")
        try JSONSerialization.data(withJSONObject: cluster, options: [.prettyPrinted]).write(to: url)
        return url.path
    }

    /// Asserts that each process whose id is in one of `pidFiles` has ended (within three seconds).
    private func assertStopped(pidFiles: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        for pidFile in pidFiles {
            let text = try String(contentsOfFile: pidFile, encoding: .utf8)
            let pid = try XCTUnwrap(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), file: file, line: line)
            let ended = ExternalProcess.poll(timeout: .seconds(3)) { !ExternalProcess.isRunning(pid) }
            XCTAssertTrue(ended, "process \(pid) from \(pidFile) still runs", file: file, line: line)
        }
    }
}
