import CThawShim
import Foundation
import ThawCollectives
import ThawCommandLine
import ThawWire

/// `thaw bench-allreduce`: bus bandwidth of the ring all-reduce over TLS, one process per rank.
///
/// Without `--rank` the command is the launcher: it makes certificates (unless `--certs` names a folder of
/// them), starts one child process of this binary per rank, and prints one JSON line. With `--rank` it is one
/// of those children: it listens on 127.0.0.1 port 0, announces the port in the rendezvous folder, links the
/// TLS ring, runs the timed all-reduces of `Int64` wrapping sums, checks the result and prints its timings.
struct AllReduceBenchCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "bench-allreduce",
        abstract: "Measure ring all-reduce bus bandwidth over TLS between rank processes on this host.",
        discussion: """
            Starts one process per rank on 127.0.0.1, links them into a TLS 1.3 ring with certificates made in \
            a temporary folder (or taken from --certs, which must hold ca.pem and worker-1 ... worker-N), and \
            all-reduces a buffer of Int64 values (the exact gradient sum) several times after one warm-up. \
            Prints one JSON line with the median time and the bus bandwidth (S / t) * 2 (n - 1) / n in GB/s \
            (10^9 bytes) for S bytes over n ranks. With --gather float the all-gather carries each finished \
            piece as Float, as workers reduce gradients; the bandwidth is still reckoned on the Int64 buffer.
            """,
        options: [
            CommandOption(
                name: "ranks", valueName: "count", help: "Rank processes in the ring.", kind: .integer(1...64),
                defaultValue: "2", example: "4"),
            CommandOption(
                name: "megabytes", valueName: "MiB", help: "The buffer each rank contributes, in MiB (2^20 bytes).",
                kind: .integer(1...4096), defaultValue: "16", example: "64"),
            CommandOption(
                name: "repeats", valueName: "count", help: "Timed all-reduces, after one warm-up.",
                kind: .integer(1...1000), defaultValue: "5", example: "5"),
            CommandOption(
                name: "piece-kib", valueName: "KiB",
                help: "The most bytes per message, in KiB; 0 sends each ring chunk as one message.",
                kind: .integer(0...1_048_576), defaultValue: "256", example: "1024"),
            CommandOption(
                name: "gather", valueName: "element",
                help: "What the all-gather carries: int64 (a plain all-reduce) or float (the gradient path).",
                kind: .choice(["int64", "float"]), defaultValue: "int64", example: "float"),
            CommandOption(
                name: "certs", valueName: "folder",
                help: "A folder with ca.pem and worker-1 ... worker-N for 127.0.0.1; made afresh if absent.",
                kind: .path, example: "cluster/certs"),
            CommandOption(
                name: "rank", valueName: "number", help: "Internal: run one rank of a benchmark the launcher started.",
                kind: .integer(0...63), example: "0"),
            CommandOption(
                name: "rendezvous", valueName: "folder", help: "Internal: where the ranks of one benchmark meet.",
                kind: .path, example: "/tmp/thaw-bench-allreduce"),
        ]
    )

    /// The longest any rank waits for the others, or the launcher for a rank, in seconds.
    private static let waitSeconds = 120

    let arguments: ParsedArguments

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.arguments = arguments
    }

    /// Ranks in the ring.
    private var ranks: Int {
        self.arguments.integer("ranks")!
    }

    /// Bytes each rank contributes.
    private var byteCount: Int {
        self.arguments.integer("megabytes")! << 20
    }

    /// Timed repeats.
    private var repeats: Int {
        self.arguments.integer("repeats")!
    }

    /// Whether the all-gather carries `Float`s, as the gradient reduction does.
    private var gathersFloats: Bool {
        self.arguments.text("gather") == "float"
    }

    /// The most bytes in one message.
    private var pieceByteCount: Int {
        let kibibytes = self.arguments.integer("piece-kib")!
        return kibibytes == 0 ? .max : kibibytes << 10
    }

    func run() async throws {
        if let rank = self.arguments.integer("rank"), let rendezvous = self.arguments.path("rendezvous"),
            let certificates = self.arguments.path("certs")
        {
            try self.runRank(rank, rendezvous: rendezvous, certificates: certificates)
        } else {
            try self.launch()
        }
    }

    /// Starts the rank processes, waits for their reports and prints the summary.
    private func launch() throws {
        let rendezvous = FileManager.default.temporaryDirectory
            .appendingPathComponent("thaw-bench-allreduce-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rendezvous, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rendezvous) }

        let certificates = try self.arguments.path("certs") ?? self.makeCertificates(in: rendezvous)

        let processes = try (0..<self.ranks).map { rank in
            try self.startRank(rank, rendezvous: rendezvous, certificates: certificates)
        }
        defer { processes.filter(\.process.isRunning).forEach { $0.process.terminate() } }

        try Self.awaitExit(of: processes.map(\.process))
        let reports = try processes.enumerated().map { rank, child in try Self.report(from: child.output, rank: rank) }

        let perRepeat = (0..<self.repeats).map { index in reports.map { $0[index] }.max()! }.sorted()
        let median = perRepeat[perRepeat.count / 2]
        let best = perRepeat[0]
        let busFactor = 2 * Double(self.ranks - 1) / Double(self.ranks)
        let bytes = Double(self.byteCount)
        let summary: [String: Any] = [
            "benchmark": "allreduce", "transport": "tls", "processes": self.ranks, "ranks": self.ranks,
            "bytes": self.byteCount, "element": "Int64", "gather": self.gathersFloats ? "Float" : "Int64",
            "repeats": self.repeats,
            "piece_bytes": self.pieceByteCount == .max ? 0 : self.pieceByteCount,
            "median_seconds": median, "best_seconds": best,
            "bus_bandwidth_gb_per_s": bytes / median * busFactor / 1e9,
            "best_bus_bandwidth_gb_per_s": bytes / best * busFactor / 1e9,
            "algorithm_bandwidth_gb_per_s": bytes / median / 1e9,
        ]
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// A cluster CA and certificates for workers 1...ranks on 127.0.0.1, in `folder/certs`.
    private func makeCertificates(in folder: URL) throws -> URL {
        let certificates = folder.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
        let layout = ClusterCertificateLayout(folder: certificates)

        let authority = try CertificateAuthority.create(validity: .seconds(86_400))
        try authority.write(to: layout)

        for rank in 0..<self.ranks {
            try authority.issue(identity: .worker(rank + 1), hosts: ["127.0.0.1"], validity: .seconds(86_400))
                .write(to: layout)
        }
        return certificates
    }

    /// Starts the child process of `rank`, its standard output captured.
    private func startRank(_ rank: Int, rendezvous: URL, certificates: URL) throws -> (process: Process, output: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = [
            "bench-allreduce", "--rank", "\(rank)", "--ranks", "\(self.ranks)",
            "--megabytes", "\(self.arguments.integer("megabytes")!)", "--repeats", "\(self.repeats)",
            "--piece-kib", "\(self.arguments.integer("piece-kib")!)", "--gather", self.arguments.text("gather")!,
            "--certs", certificates.path,
            "--rendezvous", rendezvous.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice

        do {
            try process.run()
        } catch {
            throw AllReduceBenchError.cannotStart(rank: rank, cause: "\(error)")
        }
        return (process, output)
    }

    /// Waits until every rank process has exited successfully; stops at the first that fails or overruns.
    private static func awaitExit(of processes: [Process]) throws {
        let deadline = Date() + TimeInterval(Self.waitSeconds)
        while true {
            if let rank = processes.firstIndex(where: { !$0.isRunning && $0.terminationStatus != 0 }) {
                throw AllReduceBenchError.rankFailed(rank: rank, status: processes[rank].terminationStatus)
            }

            guard let running = processes.firstIndex(where: \.isRunning) else {
                return
            }
            guard Date() < deadline else {
                throw AllReduceBenchError.rankTimedOut(rank: running, seconds: Self.waitSeconds)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// The per-repeat seconds an exited rank process printed.
    private static func report(from output: Pipe, rank: Int) throws -> [Double] {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let seconds = object["seconds"] as? [Double]
        else {
            throw AllReduceBenchError.unreadableReport(rank: rank, output: String(decoding: data, as: UTF8.self))
        }
        return seconds
    }

    /// One rank: listen, meet the others, link the ring, time the all-reduces, check them, report.
    private func runRank(_ rank: Int, rendezvous: URL, certificates: URL) throws {
        _ = thaw_set_parent_death_signal(SIGTERM)
        let timeout = Duration.seconds(Self.waitSeconds)

        let context = try TLSConfiguration(
            layout: ClusterCertificateLayout(folder: certificates), identity: .worker(rank + 1), peerRule: .anyWorker
        ).makeContext()
        let listener = try TLSListener(host: "127.0.0.1", port: 0, context: context)
        defer { listener.close() }

        let members = try self.meet(rank: rank, port: listener.port, in: rendezvous)

        let transport = try TLSRingTransport.establish(
            rank: rank, members: members, listener: listener, context: context, runID: 1, generation: 1,
            timeout: timeout)
        defer { transport.close() }
        let collectives = RingAllReduce(transport: transport, timeout: timeout, pieceByteCount: self.pieceByteCount)

        let count = self.byteCount / MemoryLayout<Int64>.stride
        let contribution = (0..<count).map { Int64($0) &* Int64(rank + 1) }
        var seconds: [Double] = []
        var sums: [Int64] = []
        var floats: [Float] = []
        for round in 0...self.repeats {
            let barrier = CollectiveScope(runID: 1, generation: 1, step: UInt64(2 * round))
            _ = try collectives.allReduce([Int64(1)], operation: .wrappingSum, scope: barrier)

            // A fresh buffer each time, handed over as a worker hands over its sums, so the reduction works in it
            // without copying it first.
            let input = contribution.withUnsafeBufferPointer { Array($0) }
            let started = ContinuousClock.now
            let scope = CollectiveScope(runID: 1, generation: 1, step: UInt64(2 * round + 1))
            if self.gathersFloats {
                floats = try collectives.allReduce(consume input, operation: .wrappingSum, scope: scope) {
                    sums, _, values in
                    for index in sums.indices { values[index] = Float(sums[index]) }
                }
            } else {
                sums = try collectives.allReduce(consume input, operation: .wrappingSum, scope: scope)
            }
            let elapsed = ContinuousClock.now - started
            if round > 0 {
                seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
        }

        let factor = Int64(self.ranks * (self.ranks + 1) / 2)
        let gathersFloats = self.gathersFloats
        for index in 0..<count {
            let exact = Int64(index) &* factor
            let received = gathersFloats ? Int64(floats[index]) : sums[index]
            if received != (gathersFloats ? Int64(Float(exact)) : exact) {
                throw AllReduceBenchError.wrongResult(rank: rank, index: index, expected: exact, received: received)
            }
        }

        let json = try JSONSerialization.data(withJSONObject: ["rank": rank, "seconds": seconds])
        print(String(decoding: json, as: UTF8.self))
    }

    /// Announces this rank's port in `folder` and waits for every rank's, returning the ring members.
    private func meet(rank: Int, port: Int, in folder: URL) throws -> [RingMember] {
        let announcement = folder.appendingPathComponent("rank-\(rank).port")
        try Data("\(port)".utf8).write(to: announcement, options: .atomic)

        let deadline = Date() + TimeInterval(Self.waitSeconds)
        while true {
            let ports = (0..<self.ranks).map { other in
                (try? String(contentsOf: folder.appendingPathComponent("rank-\(other).port"), encoding: .utf8))
                    .flatMap { Int($0) }
            }
            if ports.allSatisfy({ $0 != nil }) {
                return ports.enumerated().map { other, port in
                    RingMember(workerID: other + 1, host: "127.0.0.1", port: port!)
                }
            }

            guard Date() < deadline else {
                let missing = ports.indices.filter { ports[$0] == nil }
                throw AllReduceBenchError.rendezvousTimedOut(
                    folder: folder.path, missing: missing, seconds: Self.waitSeconds)
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
