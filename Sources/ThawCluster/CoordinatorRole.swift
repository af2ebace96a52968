import Foundation
import ThawCollectives
import ThawData
import ThawLayers
import ThawOptim
import ThawTensor
import ThawTraining
import ThawWire

/// The coordinator: owns the run file, the data and its shuffle, membership, the step sequence,
/// phase changes, evaluation and checkpoints. It does no gradient math: it sends each worker its
/// micro-shards and checks that every replica reports the same step.
///
/// It follows the one-process `Trainer` step for step (the same schedule, micro-shards, chunks
/// and checkpoints), so a run on any number of workers ends with the trainer's weights.
public final class CoordinatorRole {
    public struct Options: Sendable {
        public var listenHost: String
        public var port: Int
        public var expectedWorkers: Int
        public var certificates: ClusterCertificateLayout
        public var checkpointURL: URL?
        public var checkpointInterval: Int
        public var stepLimit: Int?
        /// The longest wait for all workers to join.
        public var joinTimeout: Duration
        /// The longest wait for any one answer (a step, a chunk, a state).
        public var answerTimeout: Duration

        public init(
            listenHost: String, port: Int, expectedWorkers: Int, certificates: ClusterCertificateLayout,
            checkpointURL: URL? = nil, checkpointInterval: Int = 0, stepLimit: Int? = nil,
            joinTimeout: Duration = .seconds(600), answerTimeout: Duration = .seconds(600)
        ) {
            self.listenHost = listenHost
            self.port = port
            self.expectedWorkers = expectedWorkers
            self.certificates = certificates
            self.checkpointURL = checkpointURL
            self.checkpointInterval = checkpointInterval
            self.stepLimit = stepLimit
            self.joinTimeout = joinTimeout
            self.answerTimeout = answerTimeout
        }
    }

    public let configuration: RunConfiguration
    public let model: Model
    public let data: PreparedData
    let options: Options
    let report: (TrainingEvent) -> Void
    let log: Log
    private let listener: TLSListener
    var links: [MessageLink] = []
    /// The worker id of each rank.
    var workerIDs: [Int] = []
    var stragglers = StragglerWatch(workers: 0)
    /// The step whose work was already sent ahead, if any.
    var sentAhead: Int?

    /// Binds the coordinator's port (port 0 picks a free one; see `port`).
    public init(
        configuration: RunConfiguration, model: Model, data: PreparedData, options: Options, log: Log,
        report: @escaping (TrainingEvent) -> Void
    ) throws {
        self.configuration = configuration
        self.model = model
        self.data = data
        self.options = options
        self.log = log
        self.report = report
        let context = try TLSConfiguration(layout: options.certificates, identity: .coordinator, peerRule: .anyWorker)
            .makeContext()
        self.listener = try TLSListener(
            host: options.listenHost, port: options.port, context: context, admitting: .anyWorker)
    }

    /// The port workers dial.
    public var port: Int { self.listener.port }

    private var runID: UInt64 { UInt64(self.configuration.fingerprint.prefix(16), radix: 16) ?? 0 }

    /// Waits for the workers, then runs the trainer's loop with the workers computing: every
    /// phase, and the test split.
    public func run(resumingFrom resume: TrainingCheckpoint? = nil) throws -> Evaluation {
        defer { self.finish() }
        try self.gatherWorkers()
        let trainer = Trainer(
            configuration: self.configuration, model: self.model, data: self.data,
            checkpointURL: self.options.checkpointURL, engine: self, report: self.report)
        trainer.checkpointInterval = self.options.checkpointInterval
        trainer.stepLimit = self.options.stepLimit
        return try trainer.run(resumingFrom: resume)
    }

    private func finish() {
        for link in self.links {
            try? link.send(.shutdown, timeout: .seconds(5))
            link.close()
        }
        self.listener.close()
    }

    // MARK: Membership

    private func gatherWorkers() throws {
        var membership = Membership(expectedWorkers: self.options.expectedWorkers)
        var joined: [Int: MessageLink] = [:]
        self.log(
            .info, "waiting for workers",
            [("port", String(self.port)), ("workers", String(self.options.expectedWorkers))])
        while true {
            let connection = try self.listener.accept(timeout: self.options.joinTimeout)
            let link = MessageLink(connection: connection, peer: "worker at \(connection.peerAddress)")
            link.start()
            guard
                case .hello(let workerID, let ringPort, let version) = try link.receive(
                    timeout: .seconds(30), operation: "hello"
                ).message
            else {
                link.close()
                continue
            }
            var certified: Int?
            if case .worker(let id) = connection.peerIdentity { certified = id }
            let host = String(connection.peerAddress.split(separator: ":").dropLast().joined(separator: ":"))
            switch membership.onHello(
                workerID: workerID, certifiedWorkerID: certified, protocolVersion: version, host: host,
                ringPort: ringPort)
            {
            case .refuse(let reason):
                self.log(.warning, "refused a worker", [("peer", connection.peerAddress), ("reason", reason)])
                try? link.send(.failure("refused: \(reason)"), timeout: .seconds(5))
                link.close()
            case .admit:
                joined[workerID] = link
                self.log(.info, "worker joined", [("worker", String(workerID)), ("peer", connection.peerAddress)])
            case .formRing(let members):
                joined[workerID] = link
                self.log(.info, "worker joined", [("worker", String(workerID)), ("peer", connection.peerAddress)])
                try self.formRing(members, joined: joined)
                return
            }
        }
    }

    private func formRing(_ members: [RingMember], joined: [Int: MessageLink]) throws {
        let configurationJSON = Array(self.configuration.canonicalJSON)
        self.links = members.map { joined[$0.workerID]! }
        self.workerIDs = members.map(\.workerID)
        self.stragglers = StragglerWatch(workers: members.count)
        for (rank, link) in self.links.enumerated() {
            try link.send(
                .welcome(
                    Welcome(
                        runConfiguration: configurationJSON, fingerprint: self.configuration.fingerprint, rank: rank,
                        members: members)), timeout: .seconds(30))
            link.bind(runID: self.runID, generation: 1)
        }
        _ = try self.collect(operation: "ring setup", step: 0) { message in
            if case .ringReady = message { return () }
            return nil
        }
        self.log(.info, "ring formed", [("members", members.map(\.description).joined(separator: ", "))])
    }

    // MARK: Answers

    /// One answer from every worker, in rank order; `accept` returns nil for a message that is
    /// not the expected answer. A timeout names every worker that did not answer.
    func collect<Answer: Sendable>(
        operation: String, step: Int, accept: (ClusterMessage) -> Answer?
    ) throws -> [Answer] {
        var collector = ResponseCollector<Answer>(operation: operation, step: step, ranks: Array(self.links.indices))
        let deadline = ContinuousClock.now + self.options.answerTimeout
        for (rank, link) in self.links.enumerated() {
            let remaining = max(deadline - ContinuousClock.now, .zero)
            do {
                let message = try link.receive(timeout: remaining, operation: operation).message
                guard let answer = accept(message) else {
                    throw ClusterError.unexpectedMessage(peer: link.peer, expected: operation, received: message.name)
                }
                if case .complete(let answers) = collector.onAnswer(answer, from: rank) { return answers }
            } catch let error as LinkError {
                if case .timedOut = error, case .timedOut(let missing) = collector.onDeadline() {
                    let names = missing.map { "worker \(self.workerIDs[$0]) (rank \($0))" }
                    throw ClusterError.workerFailed(
                        worker: self.workerIDs[missing.first ?? rank], step: step, operation: operation,
                        cause: "no answer within \(self.options.answerTimeout) from \(names.joined(separator: ", "))")
                }
                throw ClusterError.workerFailed(
                    worker: self.workerIDs[rank], step: step, operation: operation, cause: error.description)
            }
        }
        return []
    }
}
