import Foundation
import ThawWire

/// A TLS connection that carries `ClusterMessage`s, with a reader thread that queues what
/// arrives, so the peer's next message is already here when it is wanted (the coordinator
/// sends a step's work ahead) and every wait is a wait on the queue, with a deadline.
///
/// Frames carry the run id and the membership generation once they are known (`bind`); a frame
/// with other values is refused as stale.
public final class MessageLink: @unchecked Sendable {
    public let connection: TLSConnection
    /// Names the peer in errors and logs, e.g. `worker 2 (127.0.0.1:41234)`.
    public let peer: String
    private let condition = NSCondition()
    private var inbox: [(message: ClusterMessage, step: Int)] = []
    private var failure: String?
    private var runID: UInt64 = 0
    private var generation: UInt64 = 0
    private var isBound = false

    public init(connection: TLSConnection, peer: String) {
        self.connection = connection
        self.peer = peer
    }

    /// From now on, every frame sent carries this run id and generation, and every frame received
    /// must carry them.
    public func bind(runID: UInt64, generation: UInt64) {
        self.condition.lock()
        self.runID = runID
        self.generation = generation
        self.isBound = true
        self.condition.unlock()
    }

    /// Starts the reader thread; messages queue until `receive` takes them.
    public func start() {
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "thaw-link-\(self.peer)"
        thread.start()
    }

    private func readLoop() {
        while true {
            do {
                let frame = try self.connection.readFrame(timeout: .seconds(24 * 3600))
                self.condition.lock()
                let (runID, generation, isBound) = (self.runID, self.generation, self.isBound)
                self.condition.unlock()
                if isBound, frame.header.runID != runID || frame.header.generation != generation {
                    throw ClusterError.malformedMessage(
                        "a frame of run \(frame.header.runID) generation \(frame.header.generation), expected run "
                            + "\(runID) generation \(generation): stale or foreign")
                }
                let message = try ClusterMessage.decode(type: frame.header.messageType, payload: frame.payload)
                self.condition.lock()
                self.inbox.append((message, Int(frame.header.step)))
                self.condition.broadcast()
                self.condition.unlock()
            } catch {
                self.condition.lock()
                self.failure = "\(error)"
                self.condition.broadcast()
                self.condition.unlock()
                return
            }
        }
    }

    /// Sends a message stamped with `step`.
    public func send(_ message: ClusterMessage, step: Int = 0, timeout: Duration) throws {
        self.condition.lock()
        let (runID, generation) = (self.runID, self.generation)
        self.condition.unlock()
        let header = FrameHeader(
            messageType: message.frameType, runID: runID, generation: generation, step: UInt64(max(0, step)))
        try self.connection.writeFrame(Frame(header: header, payload: message.encodedPayload()), timeout: timeout)
    }

    /// The next message, waiting at most `timeout`.
    /// - Throws: `ClusterError` naming the peer and `operation` on timeout, on a failed link, or
    ///   when the peer sent `failure`.
    public func receive(timeout: Duration, operation: String) throws -> (message: ClusterMessage, step: Int) {
        let deadline = Date(
            timeIntervalSinceNow: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18)
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.inbox.isEmpty {
            if let failure = self.failure {
                throw LinkError.failed(peer: self.peer, operation: operation, cause: failure)
            }
            guard self.condition.wait(until: deadline) else {
                throw LinkError.timedOut(peer: self.peer, operation: operation, timeout: timeout)
            }
        }
        let next = self.inbox.removeFirst()
        if case .failure(let text) = next.message {
            throw LinkError.failed(peer: self.peer, operation: operation, cause: "it reported: \(text)")
        }
        return next
    }

    public func close() {
        self.connection.close()
    }
}

/// How a link wait ended badly.
public enum LinkError: Error, CustomStringConvertible, Equatable {
    case timedOut(peer: String, operation: String, timeout: Duration)
    case failed(peer: String, operation: String, cause: String)

    public var description: String {
        switch self {
        case .timedOut(let peer, let operation, let timeout):
            return "\(peer) sent nothing for \(timeout) while waiting for \(operation)"
        case .failed(let peer, let operation, let cause):
            return "the link to \(peer) failed while waiting for \(operation): \(cause)"
        }
    }
}
