import Foundation
import ThawCommandLine
import ThawWire

/// `thaw certs`: creates a cluster CA and the certificates of the coordinator and every worker.
struct CertsCommand: RunnableCommand {
    static let configuration = CommandConfiguration(
        name: "certs",
        abstract: "Create a cluster CA and the coordinator's and workers' TLS certificates.",
        discussion: """
            Writes ca.pem and ca.key, coordinator.pem and coordinator.key, and worker-N.pem and worker-N.key \
            for each worker into one folder, in the layout cluster/README.md describes. Each certificate names \
            the addresses peers dial its holder by; a certificate given no host is issued for localhost and \
            127.0.0.1. Workers are numbered from 1 unless a cluster file gives their ids.

            Copy ca.pem and a host's own certificate and key to each host; keep ca.key off the workers.

                thaw certs --out certs --workers 2
                thaw certs --out certs --workers 2 --coordinator-host 10.0.0.1 --worker-host 1=10.0.0.2 \
            --worker-host 2=10.0.0.3
                thaw certs --out certs --cluster cluster/example.cluster.json
            """,
        options: [
            CommandOption(
                name: "out", shortName: "o", valueName: "folder",
                help: "The folder to create; it must not exist or be empty unless --force is given.", kind: .path,
                isRequired: true, example: "certs"),
            CommandOption(
                name: "workers", shortName: "w", valueName: "count",
                help: "How many worker certificates to issue, for workers 1 to count.",
                kind: .integer(1...PeerIdentity.maximumWorkerID), example: "2"),
            CommandOption(
                name: "cluster", valueName: "file",
                help: "Issue for the coordinator and workers of this cluster file, at the addresses it gives.",
                kind: .path, example: "cluster/example.cluster.json"),
            CommandOption(
                name: "coordinator-host", valueName: "host",
                help: "A host name or IP address workers dial the coordinator by. Repeat for several.", kind: .text,
                isRepeatable: true, example: "10.0.0.1"),
            CommandOption(
                name: "worker-host", valueName: "id=host",
                help: "A host name or IP address ring peers dial worker id by. Repeat for several.", kind: .text,
                isRepeatable: true, example: "1=10.0.0.2"),
            CommandOption(
                name: "days", valueName: "count", help: "How many days the CA and the certificates are valid.",
                kind: .integer(1...36_500), defaultValue: "365", example: "90"),
        ],
        flags: [
            CommandFlag(
                name: "force",
                help: "Write into a folder that is not empty, replacing the cluster certificates already there.")
        ]
    )

    /// The folder to write.
    let folder: URL

    /// The cluster file to read hosts from, if any.
    let clusterFile: URL?

    /// The worker count given with `--workers`, if any.
    let workerCount: Int?

    /// Hosts given on the command line for the coordinator.
    let coordinatorHosts: [String]

    /// Hosts given on the command line per worker id, in command-line order.
    let workerHosts: [Int: [String]]

    /// How long everything is valid.
    let validity: Duration

    /// Whether a non-empty folder may be written into.
    let isForced: Bool

    init(from arguments: ParsedArguments) throws(CommandLineError) {
        self.folder = arguments.path("out")!
        self.clusterFile = arguments.path("cluster")
        self.workerCount = arguments.integer("workers")
        self.validity = .seconds(arguments.integer("days")! * 86_400)
        self.isForced = arguments.isSet("force")

        guard (self.clusterFile == nil) != (self.workerCount == nil) else {
            throw .invalidCombination(
                command: "thaw certs",
                message: "Give exactly one of --workers N (workers 1 to N) or --cluster FILE (the cluster's workers). "
                    + "Example: thaw certs --out certs --workers 2")
        }

        self.coordinatorHosts = arguments.values(of: "coordinator-host").compactMap { value in
            guard case .text(let host) = value else { return nil }
            return host
        }

        var workerHosts: [Int: [String]] = [:]
        for case .text(let pair) in arguments.values(of: "worker-host") {
            let (id, host) = try Self.parseWorkerHost(pair)
            if let workerCount = self.workerCount, !(1...workerCount).contains(id) {
                throw .invalidCombination(
                    command: "thaw certs",
                    message: "--worker-host \(pair) names worker \(id), but --workers \(workerCount) issues for "
                        + "workers 1 to \(workerCount).")
            }
            workerHosts[id, default: []].append(host)
        }
        self.workerHosts = workerHosts
    }

    /// Issues every certificate in memory first, so a bad host leaves no folder behind, then writes them.
    func run() async throws {
        let identities = try self.plannedIdentities()

        let authority: CertificateAuthority
        do {
            authority = try CertificateAuthority.create(validity: self.validity)
        } catch {
            throw CertsError.certificate(subject: "the cluster CA", error)
        }

        var issued: [IssuedCertificate] = []
        for (identity, hosts) in identities {
            do {
                issued.append(try authority.issue(identity: identity, hosts: hosts, validity: self.validity))
            } catch {
                throw CertsError.certificate(subject: identity.commonName, error)
            }
        }

        try self.prepareFolder()

        let layout = ClusterCertificateLayout(folder: self.folder)
        do {
            try authority.write(to: layout)
        } catch {
            throw CertsError.certificate(subject: "the cluster CA", error)
        }
        for certificate in issued {
            do {
                try certificate.write(to: layout)
            } catch {
                throw CertsError.certificate(subject: certificate.identity.commonName, error)
            }
        }

        self.printSummary(identities, authority: authority)
    }

    /// Every identity to issue for, coordinator first, with the hosts its certificate names.
    private func plannedIdentities() throws -> [(PeerIdentity, [String])] {
        var coordinatorHosts = self.coordinatorHosts
        var workers: [(id: Int, hosts: [String])]

        if let clusterFile = self.clusterFile {
            let cluster = try ClusterFile.load(from: clusterFile)
            coordinatorHosts.insert(cluster.coordinator.address, at: 0)
            workers = cluster.workers.map { ($0.id, [$0.address]) }

            let known = Set(cluster.workers.map(\.id))
            if let unknown = self.workerHosts.keys.sorted().first(where: { !known.contains($0) }) {
                throw CommandLineError.invalidCombination(
                    command: "thaw certs",
                    message: "--worker-host names worker \(unknown), which \(clusterFile.path) does not list.")
            }
        } else {
            workers = (1...(self.workerCount ?? 1)).map { ($0, []) }
        }

        for index in workers.indices {
            workers[index].hosts += self.workerHosts[workers[index].id] ?? []
        }

        let defaultHosts = ["localhost", "127.0.0.1"]
        let coordinator = (PeerIdentity.coordinator, Self.unique(coordinatorHosts, or: defaultHosts))
        return [coordinator] + workers.map { (PeerIdentity.worker($0.id), Self.unique($0.hosts, or: defaultHosts)) }
    }

    /// Creates the folder (mode 0700, since it holds the CA key), or checks it may be written into.
    private func prepareFolder() throws(CertsError) {
        let path = self.folder.path
        let manager = FileManager.default

        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
            do {
                try manager.createDirectory(
                    at: self.folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .folderUnusable(path: path, cause: ClusterFileError.cause(of: error))
            }
            return
        }

        guard isFolder.boolValue else {
            throw .folderUnusable(path: path, cause: "it is a file, not a folder")
        }

        let contents: [String]
        do {
            contents = try manager.contentsOfDirectory(atPath: path)
        } catch {
            throw .folderUnusable(path: path, cause: ClusterFileError.cause(of: error))
        }
        guard contents.isEmpty || self.isForced else {
            throw .folderNotEmpty(path: path)
        }

        // Certificates of an earlier CA would no longer verify; remove them so none is mistaken for current.
        for name in contents where Self.isClusterCertificateFile(name) {
            do {
                try manager.removeItem(at: self.folder.appendingPathComponent(name))
            } catch {
                throw .folderUnusable(
                    path: path, cause: "cannot remove the old \(name): \(ClusterFileError.cause(of: error))")
            }
        }
    }

    /// Prints which files were written for whom, and what to copy where.
    private func printSummary(_ identities: [(PeerIdentity, [String])], authority: CertificateAuthority) {
        let days = self.validity.components.seconds / 86_400
        var lines = ["Cluster certificates in \(self.folder.path), valid for \(days) days:"]
        lines.append(Self.row("ca.pem, ca.key", authority.commonName))
        for (identity, hosts) in identities {
            let files = "\(identity.fileStem).pem, \(identity.fileStem).key"
            lines.append(Self.row(files, "\(identity.commonName)  \(hosts.joined(separator: ", "))"))
        }
        lines.append("Copy ca.pem and a host's own .pem and .key to each host; keep ca.key off the workers.")
        print(lines.joined(separator: "\n"))
    }

    /// One aligned summary row.
    private static func row(_ files: String, _ detail: String) -> String {
        "  " + files.padding(toLength: max(files.count, 34), withPad: " ", startingAt: 0) + "  " + detail
    }

    /// Splits `ID=HOST` from `--worker-host`.
    private static func parseWorkerHost(_ pair: String) throws(CommandLineError) -> (Int, String) {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int(parts[0]), (0...PeerIdentity.maximumWorkerID).contains(id),
            !parts[1].isEmpty
        else {
            throw .invalidValue(
                command: "thaw certs", name: "--worker-host",
                expectation: "a worker id and a host joined by '=', the id from 0 to \(PeerIdentity.maximumWorkerID)",
                value: pair, example: "1=10.0.0.2")
        }
        return (id, String(parts[1]))
    }

    /// `hosts` without repeats in first-seen order, or `fallback` when empty.
    private static func unique(_ hosts: [String], or fallback: [String]) -> [String] {
        var seen: Set<String> = []
        let kept = hosts.filter { seen.insert($0).inserted }
        return kept.isEmpty ? fallback : kept
    }

    /// Whether `name` is a file of the cluster certificate layout (`ca.pem`, `worker-3.key` and so on).
    private static func isClusterCertificateFile(_ name: String) -> Bool {
        guard name.hasSuffix(".pem") || name.hasSuffix(".key") else {
            return false
        }
        let stem = String(name.dropLast(4))
        return stem == "ca" || PeerIdentity(commonName: "thaw-\(stem)") != nil
    }
}
