import CThawShim
import Foundation
import Glibc
import ThawCluster
import ThawCommandLine
import ThawTraining
import ThawWire

/// `thaw worker --coordinator HOST:PORT --id N`: one worker of a run.
struct WorkerCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "worker",
        abstract: "Join a run as a worker: compute micro-shards and all-reduce gradients with the other workers.",
        discussion: """
            Dials the coordinator over TLS with the certificate of its worker id, receives the run, the \
            weights and the samples from it, and links into a ring with the other workers (it listens on \
            --ring-listen for its predecessor). It needs no run file, data or weights of its own.
            """,
        options: [
            CommandOption(
                name: "coordinator", valueName: "host:port", help: "The coordinator's address.", kind: .text,
                isRequired: true, example: "10.0.0.1:7300"),
            CommandOption(
                name: "id", valueName: "number", help: "This worker's id, as its certificate names it.",
                kind: .integer(0...65_535), isRequired: true, example: "1"),
            CommandOption(
                name: "certs", valueName: "folder",
                help: "The certificate folder: ca.pem, worker-<id>.pem and worker-<id>.key.", kind: .path,
                isRequired: true, example: "cluster/certs"),
            CommandOption(
                name: "ring-listen", valueName: "host:port",
                help: "Where to listen for the ring neighbour; port 0 picks a free port.", kind: .text,
                defaultValue: "0.0.0.0:0", example: "0.0.0.0:7301"),
        ],
        flags: [
            CommandFlag(name: "die-with-parent", help: "Exit when the process that started this one exits."),
            CommandFlag(name: "quiet", shortName: "q", help: "Log warnings and errors only."),
        ]
    )

    let arguments: ParsedArguments
    let coordinator: Endpoint
    let ring: Endpoint

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
        self.coordinator = try Endpoint.parse(
            arguments.text("coordinator")!, option: "--coordinator", command: "thaw worker")
        self.ring = try Endpoint.parse(arguments.text("ring-listen")!, option: "--ring-listen", command: "thaw worker")
    }

    func run() async throws {
        if self.arguments.isSet("die-with-parent") {
            _ = thaw_set_parent_death_signal(SIGTERM)
        }
        let id = self.arguments.integer("id")!
        let log = Log(
            minimumLevel: self.arguments.isSet("quiet") ? .warning : .info, metadata: [("worker", String(id))])
        let options = WorkerRole.Options(
            coordinatorHost: self.coordinator.host, coordinatorPort: self.coordinator.port, workerID: id,
            certificates: ClusterCertificateLayout(folder: self.arguments.path("certs")!), ringHost: self.ring.host,
            ringPort: self.ring.port)
        try WorkerRole(options: options, log: log).run()
    }
}
