import Foundation
import Glibc
import ThawCluster
import ThawCommandLine
import ThawTraining
import ThawWire

/// `thaw local --workers N RUN.json`: a coordinator and N worker processes on this host.
struct LocalCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "local",
        abstract: "Train with several worker processes on this host: the coordinator here, the workers as children.",
        discussion: """
            Makes a throwaway certificate authority and certificates in a temporary folder, runs the \
            coordinator in this process on a free loopback port, and starts N `thaw worker` processes of this \
            binary that talk to it and to each other over TLS, exactly as on several hosts. The workers exit \
            with this process; Ctrl-C stops them all. The result is bit-identical to `thaw train`.
            """,
        options: [
            CommandOption(
                name: "workers", shortName: "w", valueName: "count", help: "The number of worker processes.",
                kind: .integer(1...64), defaultValue: "2", example: "2")
        ] + RunOutput.options,
        flags: RunOutput.flags,
        arguments: [
            CommandArgument(
                valueName: "run-file", help: "The JSON run file describing the model, the data and the phases.",
                kind: .path, example: "cluster/runs/fashion-demo.json")
        ]
    )

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
    }

    func run() async throws {
        let workerCount = self.arguments.integer("workers")!
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thaw-certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let layout = try Self.makeCertificates(in: folder, workers: workerCount)

        try RunOutput.train(runFile: self.arguments.path("run-file")!, arguments: self.arguments) {
            setup, data, resume, report in
            let options = CoordinatorRole.Options(
                listenHost: "127.0.0.1", port: 0, expectedWorkers: workerCount, certificates: layout,
                checkpointURL: setup.checkpointURL, checkpointInterval: self.arguments.integer("checkpoint-steps") ?? 0,
                stepLimit: self.arguments.integer("max-steps"))
            let coordinator = try CoordinatorRole(
                configuration: setup.configuration, model: setup.model, data: data, options: options, log: setup.log,
                report: report)
            let children = try WorkerProcesses(
                count: workerCount, coordinatorPort: coordinator.port, certificates: folder,
                quiet: self.arguments.isSet("quiet"), log: setup.log)
            do {
                let result = try coordinator.run(resumingFrom: resume)
                try children.waitForAll()
                return result
            } catch {
                children.stopAll()
                throw error
            }
        }
    }

    /// A certificate authority and certificates for the coordinator and workers 1...count,
    /// valid for a day on loopback.
    static func makeCertificates(in folder: URL, workers count: Int) throws -> ClusterCertificateLayout {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let layout = ClusterCertificateLayout(folder: folder)
        let authority = try CertificateAuthority.create(commonName: "Thaw local run", validity: .seconds(86_400))
        try authority.write(to: layout)
        let hosts = ["127.0.0.1", "localhost"]
        try authority.issue(identity: .coordinator, hosts: hosts, validity: .seconds(86_400)).write(to: layout)
        for id in 1...count {
            try authority.issue(identity: .worker(id), hosts: hosts, validity: .seconds(86_400)).write(to: layout)
        }
        return layout
    }
}

/// The worker children of `thaw local`: started with this binary, killed with it (the kernel
/// sends them SIGTERM when this process dies), and stopped on Ctrl-C.
final class WorkerProcesses: @unchecked Sendable {
    private var processes: [Process] = []
    private let signals: [DispatchSourceSignal]
    private let log: Log

    init(count: Int, coordinatorPort: Int, certificates: URL, quiet: Bool, log: Log) throws {
        self.log = log
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var processes: [Process] = []
        for id in 1...count {
            let process = Process()
            process.executableURL = executable
            process.arguments =
                [
                    "worker", "--coordinator", "127.0.0.1:\(coordinatorPort)", "--id", String(id), "--certs",
                    certificates.path, "--ring-listen", "127.0.0.1:0", "--die-with-parent",
                ] + (quiet ? ["--quiet"] : [])
            process.terminationHandler = { child in
                guard child.terminationReason == .uncaughtSignal || child.terminationStatus != 0 else { return }
                log(
                    .error, "worker process failed",
                    [("worker", String(id)), ("status", String(child.terminationStatus))])
            }
            try process.run()
            processes.append(process)
        }
        self.processes = processes

        // Ctrl-C or SIGTERM: stop the workers, then leave with the conventional status.
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [processes] in
                for process in processes where process.isRunning { process.terminate() }
                log(.warning, "stopped by a signal; workers terminated", [("signal", String(signalNumber))])
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
        self.signals = sources
    }

    /// Waits for every worker to exit after the run; a worker that failed fails the run.
    func waitForAll() throws {
        for (index, process) in self.processes.enumerated() {
            process.waitUntilExit()
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                throw ClusterError.workerFailed(
                    worker: index + 1, step: nil, operation: "shutting down",
                    cause: "it exited with status \(process.terminationStatus)")
            }
        }
    }

    /// Terminates every worker still running.
    func stopAll() {
        for process in self.processes where process.isRunning { process.terminate() }
        for process in self.processes { process.waitUntilExit() }
    }
}
