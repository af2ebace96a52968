import Foundation
import ThawCollectives
import ThawWire
import XCTest

/// Worker certificates from a fresh cluster CA in a temporary folder, and TLS rings built from them over
/// 127.0.0.1, one thread per rank.
final class TLSTestRing {
    let folder: URL
    let layout: ClusterCertificateLayout

    init(workers: [Int]) throws {
        self.folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("thaw-collectives-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        self.layout = ClusterCertificateLayout(folder: self.folder)

        let authority = try CertificateAuthority.create(validity: .seconds(86_400))
        try authority.write(to: self.layout)
        for worker in workers {
            try authority.issue(identity: .worker(worker), hosts: ["127.0.0.1"], validity: .seconds(3_600))
                .write(to: self.layout)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: self.folder)
    }

    /// The TLS context of `worker`; ring links choose their expected peers themselves.
    func context(worker: Int) throws -> TLSContext {
        try TLSConfiguration(layout: self.layout, identity: .worker(worker), peerRule: .anyWorker).makeContext()
    }

    /// Listeners on port 0 for ranks presenting `certificates`, and the ring members they make, naming
    /// `claimed` worker ids (by default the certificates' own).
    func listen(certificates: [Int], claimed: [Int]? = nil) throws -> ([TLSListener], [RingMember]) {
        let listeners = try certificates.map { worker in
            try TLSListener(host: "127.0.0.1", port: 0, context: try self.context(worker: worker))
        }
        let members = zip(claimed ?? certificates, listeners).map { worker, listener in
            RingMember(workerID: worker, host: "127.0.0.1", port: listener.port)
        }
        return (listeners, members)
    }

    /// Builds a ring of workers `workers` in that order and runs `body` on each rank's transport; closes the
    /// links afterwards.
    func run<Value: Sendable>(
        workers: [Int],
        generation: UInt64 = 1,
        _ body: @escaping @Sendable (TLSRingTransport) throws -> Value
    ) throws -> [Result<Value, any Error>] {
        let (listeners, members) = try self.listen(certificates: workers)
        defer { listeners.forEach { $0.close() } }
        let contexts = try workers.map { try self.context(worker: $0) }

        return RankThreads.run(workers.count) { rank in
            let transport = try TLSRingTransport.establish(
                rank: rank, members: members, listener: listeners[rank], context: contexts[rank], runID: 7,
                generation: generation, timeout: .seconds(10))
            defer { transport.close() }
            return try body(transport)
        }
    }
}
