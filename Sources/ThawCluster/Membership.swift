import ThawCollectives

/// Who is in the run: the coordinator's decisions about joining workers, as a pure state
/// machine. The shell feeds it hellos and carries out the actions it returns.
///
/// A run waits for `expectedWorkers` distinct worker ids. A hello with an id already taken, a
/// protocol version the coordinator does not speak, or an identity that does not match the
/// certificate is refused with a reason. When the last expected worker has joined, the ring is
/// formed: ranks follow worker ids, so the ring is the same whatever the order of arrival.
public struct Membership: Sendable {
    /// A worker that joined: its id, the address the coordinator saw, and its ring port.
    public struct Member: Sendable, Equatable {
        public var workerID: Int
        public var host: String
        public var ringPort: Int
    }

    /// What the shell should do after an event.
    public enum Action: Sendable, Equatable {
        /// Tell the worker why it is refused and close its connection.
        case refuse(reason: String)
        /// Keep the worker; wait for more.
        case admit
        /// Keep the worker; everyone is here: send each its welcome with this ring.
        case formRing([RingMember])
    }

    /// The cluster protocol this build speaks; 2 since collective chunks carry their tag after the bytes.
    public static let protocolVersion = 2
    public let expectedWorkers: Int
    public private(set) var members: [Member] = []
    /// Incremented each time a ring is formed; frames of older generations are stale.
    public private(set) var generation: UInt64 = 0

    public init(expectedWorkers: Int) {
        self.expectedWorkers = expectedWorkers
    }

    /// A worker's hello; `certifiedWorkerID` is the id its TLS certificate names.
    public mutating func onHello(
        workerID: Int, certifiedWorkerID: Int?, protocolVersion: Int, host: String, ringPort: Int
    ) -> Action {
        guard protocolVersion == Self.protocolVersion else {
            return .refuse(
                reason: "it speaks protocol \(protocolVersion), the coordinator \(Self.protocolVersion): "
                    + "run the same Thaw version everywhere")
        }
        guard certifiedWorkerID == workerID else {
            return .refuse(reason: "it says it is worker \(workerID) but its certificate names another identity")
        }
        guard !self.members.contains(where: { $0.workerID == workerID }) else {
            return .refuse(reason: "worker \(workerID) has already joined; give every worker its own --id")
        }
        guard self.members.count < self.expectedWorkers else {
            return .refuse(reason: "the run already has its \(self.expectedWorkers) workers")
        }
        guard (1...65_535).contains(ringPort) else {
            return .refuse(reason: "its ring port \(ringPort) is not a port")
        }

        self.members.append(Member(workerID: workerID, host: host, ringPort: ringPort))
        guard self.members.count == self.expectedWorkers else { return .admit }
        self.generation += 1
        return .formRing(self.ring)
    }

    /// The ring in rank order.
    public var ring: [RingMember] {
        self.members.sorted { $0.workerID < $1.workerID }.map {
            RingMember(workerID: $0.workerID, host: $0.host, port: $0.ringPort)
        }
    }
}
