import Foundation
import ThawCollectives
import ThawData
import ThawLayers
import ThawOptim
import ThawTensor
import ThawTraining
import ThawWire

/// A worker: holds a replica of the model, computes the micro-shards the coordinator sends,
/// sums them with its ring neighbours exactly, and applies the same step as every other replica.
///
/// The worker needs no run file, data or weights of its own: the coordinator sends the run's
/// configuration, the weights at each phase start, and the samples of each step.
public final class WorkerRole {
    public struct Options: Sendable {
        public var coordinatorHost: String
        public var coordinatorPort: Int
        public var workerID: Int
        public var certificates: ClusterCertificateLayout
        /// Where the ring listener binds; its port 0 lets the kernel choose.
        public var ringHost: String
        public var ringPort: Int
        /// How long to keep dialling a coordinator that is not listening yet.
        public var connectTimeout: Duration
        /// The longest wait for the coordinator between two messages.
        public var idleTimeout: Duration
        /// The longest wait in a collective.
        public var collectiveTimeout: Duration

        public init(
            coordinatorHost: String, coordinatorPort: Int, workerID: Int, certificates: ClusterCertificateLayout,
            ringHost: String = "0.0.0.0", ringPort: Int = 0, connectTimeout: Duration = .seconds(120),
            idleTimeout: Duration = .seconds(3600),
            collectiveTimeout: Duration = .seconds(120)
        ) {
            self.coordinatorHost = coordinatorHost
            self.coordinatorPort = coordinatorPort
            self.workerID = workerID
            self.certificates = certificates
            self.ringHost = ringHost
            self.ringPort = ringPort
            self.connectTimeout = connectTimeout
            self.idleTimeout = idleTimeout
            self.collectiveTimeout = collectiveTimeout
        }
    }

    private let options: Options
    private let log: Log

    public init(options: Options, log: Log) {
        self.options = options
        self.log = log
    }

    /// Joins the run and serves it until the coordinator says it is over.
    public func run() throws {
        BLAS.setThreadCount(1)
        let options = self.options
        let context = try TLSConfiguration(
            layout: options.certificates, identity: .worker(options.workerID), peerRule: .coordinator
        ).makeContext()
        let ringListener = try TLSListener(
            host: options.ringHost, port: options.ringPort, context: context, admitting: .anyWorker)
        defer { ringListener.close() }

        let connection = try self.dialCoordinator(context: context)
        let link = MessageLink(connection: connection, peer: "the coordinator")
        defer { link.close() }
        link.start()
        try link.send(
            .hello(
                workerID: options.workerID, ringPort: ringListener.port, protocolVersion: Membership.protocolVersion),
            timeout: .seconds(30))

        guard case .welcome(let welcome) = try link.receive(timeout: .seconds(600), operation: "the welcome").message
        else {
            throw ClusterError.unexpectedMessage(
                peer: "the coordinator", expected: "welcome", received: "another message")
        }
        let configuration = try RunConfiguration.decode(from: Data(welcome.runConfiguration), source: "the coordinator")
        let runID = UInt64(welcome.fingerprint.prefix(16), radix: 16) ?? 0
        link.bind(runID: runID, generation: 1)
        self.log(.info, "joined", [("rank", String(welcome.rank)), ("workers", String(welcome.members.count))])

        let ring = try TLSRingTransport.establish(
            rank: welcome.rank, members: welcome.members, listener: ringListener, context: context, runID: runID,
            generation: 1, timeout: options.collectiveTimeout)
        defer { ring.close() }
        try link.send(.ringReady, timeout: .seconds(30))

        let replica = try Replica(
            configuration: configuration, rank: welcome.rank,
            collectives: RingAllReduce(transport: ring, timeout: options.collectiveTimeout), runID: runID)
        try self.serve(link: link, replica: replica)
    }

    /// Dials the coordinator, retrying while it is not listening yet (workers may start first)
    /// until `connectTimeout` has passed; any other failure ends the attempt at once.
    private func dialCoordinator(context: TLSContext) throws -> TLSConnection {
        let deadline = ContinuousClock.now + self.options.connectTimeout
        var attempts = 0
        while true {
            do {
                return try TLSConnection.connect(
                    host: self.options.coordinatorHost, port: self.options.coordinatorPort, context: context,
                    expecting: .coordinator, timeout: .seconds(30))
            } catch {
                guard case .connectFailed(let peer, let cause) = error, ContinuousClock.now < deadline else {
                    throw error
                }
                attempts += 1
                if attempts == 1 {
                    self.log(.info, "coordinator not reachable yet; retrying", [("peer", peer), ("cause", cause)])
                }
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
    }

    private func serve(link: MessageLink, replica: Replica) throws {
        while true {
            let (message, step) = try link.receive(timeout: self.options.idleTimeout, operation: "the next instruction")
            switch message {
            case .phaseStart(let start):
                let digest = try replica.startPhase(start)
                try link.send(.phaseReady(digest: digest), timeout: .seconds(60))
            case .computeFeatures(let request, let layers, let inputs):
                try link.send(
                    .features(request: request, outputs: replica.features(layers: layers, inputs: inputs)),
                    timeout: .seconds(600))
            case .stepWork(let work):
                try link.send(.stepDone(try replica.step(work)), step: step, timeout: .seconds(600))
            case .evaluate(let request, let fromLayer, let inputs):
                let (lossSum, correct) = replica.evaluate(fromLayer: fromLayer, inputs: inputs)
                try link.send(.evaluation(request: request, lossSum: lossSum, correct: correct), timeout: .seconds(600))
            case .stateRequest:
                let state = replica.state()
                try link.send(
                    .state(weights: state.weights, iterations: state.iterations, velocity: state.velocity),
                    timeout: .seconds(600))
            case .shutdown:
                self.log(.info, "run over", [("rank", String(replica.rank))])
                return
            default:
                throw ClusterError.unexpectedMessage(
                    peer: "the coordinator", expected: "an instruction", received: message.name)
            }
        }
    }
}
