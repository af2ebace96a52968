import Foundation
import ThawWire

extension TLSRingTransport {
    /// Links rank `rank` into a ring of `members`: dials its successor while accepting its predecessor.
    ///
    /// Every rank calls this at about the same time, each with a listener already bound (port 0 in tests)
    /// whose address the others know. The dialled link must present the certificate of the successor's
    /// worker id (`PeerIdentityRule.worker`), and is refused otherwise; on it this rank sends a hello naming
    /// its rank, the group size, the run and the generation. An accepted link must present the
    /// predecessor's worker id and send the matching hello; any other client (a stale member, a stray
    /// connection) is closed and the wait goes on. A refused dial (the successor not listening yet) is retried
    /// until the timeout.
    ///
    /// - Parameters:
    ///   - members: the ring in order; rank `r` is `members[r]`.
    ///   - listener: this rank's listener, at `members[rank]`'s address.
    ///   - context: this rank's TLS context, with its worker certificate.
    ///   - timeout: the time allowed for both links.
    /// - Throws: `CollectiveError.ringSetupFailed` naming the neighbour and the cause;
    ///   `.invalidArgument` if `rank` is not in `members`.
    public static func establish(
        rank: Int,
        members: [RingMember],
        listener: TLSListener,
        context: TLSContext,
        runID: UInt64,
        generation: UInt64,
        timeout: Duration
    ) throws(CollectiveError) -> TLSRingTransport {
        let size = members.count
        guard (0..<size).contains(rank) else {
            throw .invalidArgument(
                rank: rank, operation: "establish a ring", reason: "the ring has \(size) members")
        }
        guard size > 1 else {
            return TLSRingTransport(rank: rank, size: 1, successorLink: nil, predecessorLink: nil)
        }

        let deadline = Date() + timeout.timeInterval
        let successor = (rank + 1) % size
        let predecessor = (rank + size - 1) % size

        // Dial the successor on a thread of its own while this one accepts the predecessor.
        let dialling = BackgroundResult(name: "thaw-ring-dial-\(rank)") { () throws(CollectiveError) in
            try Self.dial(
                members[successor], rank: rank, successor: successor, size: size, context: context,
                runID: runID, generation: generation, deadline: deadline)
        }

        let accepted: Result<TLSConnection, CollectiveError>
        do throws(CollectiveError) {
            accepted = .success(
                try Self.accept(
                    members[predecessor], rank: rank, predecessor: predecessor, size: size, listener: listener,
                    runID: runID, generation: generation, deadline: deadline))
        } catch {
            accepted = .failure(error)
        }

        let dialled =
            dialling.wait(until: deadline + 1)
            ?? .failure(
                .ringSetupFailed(
                    rank: rank, peer: successor,
                    cause: "dialling \(members[successor]) did not finish within \(timeout.secondsText)"))

        switch (dialled, accepted) {
        case (.success(let successorLink), .success(let predecessorLink)):
            return TLSRingTransport(
                rank: rank, size: size, successorLink: successorLink, predecessorLink: predecessorLink)
        case (.failure(let error), let other):
            try? other.get().close()
            throw error
        case (.success(let successorLink), .failure(let error)):
            successorLink.close()
            throw error
        }
    }

    /// Connects to the successor, checks its identity and sends this rank's hello.
    private static func dial(
        _ member: RingMember,
        rank: Int,
        successor: Int,
        size: Int,
        context: TLSContext,
        runID: UInt64,
        generation: UInt64,
        deadline: Date
    ) throws(CollectiveError) -> TLSConnection {
        while true {
            let remaining = Duration.seconds(max(deadline.timeIntervalSinceNow, 0))
            do throws(TLSError) {
                let connection = try TLSConnection.connect(
                    host: member.host, port: member.port, context: context, expecting: .worker(member.workerID),
                    timeout: remaining)
                do throws(TLSError) {
                    let hello = CollectiveMessage.helloFrame(
                        rank: rank, size: size, runID: runID, generation: generation)
                    try connection.writeFrame(hello, timeout: remaining)
                } catch {
                    connection.close()
                    throw error
                }
                return connection
            } catch {
                guard case .connectFailed = error, deadline.timeIntervalSinceNow > 0.05 else {
                    throw .ringSetupFailed(rank: rank, peer: successor, cause: "dialling \(member): \(error)")
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Accepts connections until one comes from the predecessor's worker with the expected hello.
    private static func accept(
        _ member: RingMember,
        rank: Int,
        predecessor: Int,
        size: Int,
        listener: TLSListener,
        runID: UInt64,
        generation: UInt64,
        deadline: Date
    ) throws(CollectiveError) -> TLSConnection {
        var refusals: [String] = []

        while true {
            let remaining = Duration.seconds(max(deadline.timeIntervalSinceNow, 0))
            let connection: TLSConnection
            do throws(TLSError) {
                connection = try listener.accept(timeout: remaining)
            } catch {
                switch error {
                case .timedOut, .closed, .transportFailed:
                    let refused = refusals.isEmpty ? "" : " (refused meanwhile: \(refusals.joined(separator: "; ")))"
                    throw .ringSetupFailed(
                        rank: rank, peer: predecessor, cause: "accepting \(member): \(error)\(refused)")
                default:
                    refusals.append("\(error)")
                    continue
                }
            }

            guard connection.peerIdentity == .worker(member.workerID) else {
                refusals.append("\(connection) is not worker \(member.workerID)")
                connection.close()
                continue
            }

            do throws(TLSError) {
                let hello = try connection.readFrame(timeout: remaining)
                if let failure = CollectiveMessage.checkHello(
                    hello, rank: predecessor, size: size, runID: runID, generation: generation)
                {
                    refusals.append("\(connection): \(failure.cause)")
                    connection.close()
                    continue
                }
            } catch {
                refusals.append("\(error)")
                connection.close()
                continue
            }
            return connection
        }
    }
}
