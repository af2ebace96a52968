import Foundation
import ThawCluster
import ThawCommandLine
import ThawTraining
import ThawWire

/// `thaw coordinator RUN.json --workers N`: the coordinator of a run on several hosts.
struct CoordinatorCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "coordinator",
        abstract: "Coordinate a run on several hosts: wait for the workers, then drive every phase.",
        discussion: """
            Listens on one port for `thaw worker` processes, over TLS 1.3 with mutual authentication: every \
            worker presents a certificate of the cluster's authority naming its worker id (see `thaw certs`). \
            When all workers have joined, it streams each step's micro-shards to them, checks that every \
            replica applied the same step, evaluates, and writes metrics, checkpoints and the plot like \
            `thaw train`; the result is bit-identical to `thaw train` of the same run file.
            """,
        options: [
            CommandOption(
                name: "listen", valueName: "host:port", help: "The address and port workers dial.", kind: .text,
                defaultValue: "0.0.0.0:7300", example: "0.0.0.0:7300"),
            CommandOption(
                name: "workers", shortName: "w", valueName: "count", help: "How many workers to wait for.",
                kind: .integer(1...1024), isRequired: true, example: "4"),
            CommandOption(
                name: "certs", valueName: "folder",
                help: "The certificate folder: ca.pem, coordinator.pem and coordinator.key.", kind: .path,
                isRequired: true, example: "cluster/certs"),
        ] + RunOutput.options,
        flags: RunOutput.flags,
        arguments: [
            CommandArgument(
                valueName: "run-file", help: "The JSON run file describing the model, the data and the phases.",
                kind: .path, example: "cluster/runs/fashion-demo.json")
        ]
    )

    let arguments: ParsedArguments
    let listen: Endpoint

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
        self.listen = try Endpoint.parse(arguments.text("listen")!, option: "--listen", command: "thaw coordinator")
    }

    func run() async throws {
        try RunOutput.train(runFile: self.arguments.path("run-file")!, arguments: self.arguments) {
            setup, data, resume, report in
            let options = CoordinatorRole.Options(
                listenHost: self.listen.host, port: self.listen.port,
                expectedWorkers: self.arguments.integer("workers")!,
                certificates: ClusterCertificateLayout(folder: self.arguments.path("certs")!),
                checkpointURL: setup.checkpointURL, checkpointInterval: self.arguments.integer("checkpoint-steps") ?? 0,
                stepLimit: self.arguments.integer("max-steps"))
            let coordinator = try CoordinatorRole(
                configuration: setup.configuration, model: setup.model, data: data, options: options, log: setup.log,
                report: report)
            return try coordinator.run(resumingFrom: resume)
        }
    }
}
