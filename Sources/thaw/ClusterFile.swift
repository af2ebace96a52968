import Foundation

/// A cluster file: the hosts of a Thaw cluster, how `scripts/launch` reaches them, and where their files are.
///
/// The format is documented in `cluster/README.md` with an example in `cluster/example.cluster.json`. `thaw certs
/// --cluster` reads the identities and the addresses peers dial; `scripts/launch` reads the rest. Paths are as seen
/// on the host that uses them.
struct ClusterFile: Decodable {
    /// The coordinator: where it runs and where workers dial it.
    struct Coordinator: Decodable {
        /// The ssh destination it runs on, such as `root@node0`; absent or `local` for this machine.
        let host: String?

        /// The host name or IP address workers dial; its certificate is issued for it.
        let address: String

        /// The TCP port it listens on, 1 to 65535.
        let port: Int

        /// The address it binds; `address` when absent.
        let listen: String?

        /// Its certificate folder; the file's `certs` when absent.
        let certs: String?

        /// Its `thaw` binary; the file's `thaw` when absent.
        let thaw: String?

        /// The run's output folder on the coordinator; the run file's when absent.
        let output: String?
    }

    /// One worker: its id, where it runs and where its ring peers dial it.
    struct Worker: Decodable {
        /// The worker id, 0 to `PeerIdentity.maximumWorkerID`, unique in the file.
        let id: Int

        /// The ssh destination it runs on, such as `root@node1`.
        let host: String

        /// The host name or IP address its ring peers dial; its certificate is issued for it.
        let address: String

        /// The TCP port its ring listener binds, 1 to 65535; chosen by the worker when absent.
        let ringPort: Int?

        /// Its certificate folder; the file's `certs` when absent.
        let certs: String?

        /// Its `thaw` binary; the file's `thaw` when absent.
        let thaw: String?
    }

    /// The run file, as seen on the coordinator.
    let run: String

    /// The coordinator.
    let coordinator: Coordinator

    /// The workers, at least one.
    let workers: [Worker]

    /// The `thaw` binary on every host that does not name its own; `thaw` on the `PATH` when absent.
    let thaw: String?

    /// The certificate folder on every host that does not name its own.
    let certs: String?

    /// The folder every command starts in; the ssh user's home (or the current folder, locally) when absent.
    let directory: String?

    /// The ssh command and options `scripts/launch` uses, such as `["ssh", "-p", "2222"]`.
    let ssh: [String]?

    /// Command templates that replace the `thaw coordinator` and `thaw worker` command lines.
    let commands: [String: String]?

    /// Reads and checks a cluster file.
    ///
    /// - Throws: `ClusterFileError.unreadable` if the file cannot be read, `.malformed` if it is not JSON of the
    ///   documented shape, `.invalid` for a bad port, worker id, duplicate id, empty address or no workers.
    static func load(from url: URL) throws(ClusterFileError) -> ClusterFile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, cause: ClusterFileError.cause(of: error))
        }

        let file: ClusterFile
        do {
            file = try JSONDecoder().decode(ClusterFile.self, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error, path: url.path)
        } catch {
            throw .malformed(path: url.path, location: "the top level", cause: "\(error)")
        }

        try file.validate(path: url.path)
        return file
    }

    /// Checks the values the decoder cannot: ranges, uniqueness and non-empty strings.
    private func validate(path: String) throws(ClusterFileError) {
        guard !self.workers.isEmpty else {
            throw .invalid(path: path, location: "workers", problem: "the cluster needs at least one worker")
        }

        guard (1...65_535).contains(self.coordinator.port) else {
            throw .invalid(
                path: path, location: "coordinator.port",
                problem: "\(self.coordinator.port) is not a TCP port; use 1 to 65535")
        }

        guard !self.coordinator.address.isEmpty else {
            throw .invalid(path: path, location: "coordinator.address", problem: "give the address workers dial")
        }

        var seen: Set<Int> = []
        for (index, worker) in self.workers.enumerated() {
            let location = "workers[\(index)]"
            guard (0...65_535).contains(worker.id) else {
                throw .invalid(path: path, location: "\(location).id", problem: "worker ids run from 0 to 65535")
            }
            guard seen.insert(worker.id).inserted else {
                throw .invalid(
                    path: path, location: "\(location).id", problem: "worker id \(worker.id) is used more than once")
            }
            guard !worker.address.isEmpty, !worker.host.isEmpty else {
                throw .invalid(
                    path: path, location: location, problem: "give the ssh destination (host) and the address (address)"
                )
            }
            if let ringPort = worker.ringPort, !(1...65_535).contains(ringPort) {
                throw .invalid(
                    path: path, location: "\(location).ringPort",
                    problem: "\(ringPort) is not a TCP port; use 1 to 65535")
            }
        }
    }

    /// Turns a decoding error into a message naming the key path, such as `workers[1].address`.
    private static func describe(_ error: DecodingError, path: String) -> ClusterFileError {
        func location(_ codingPath: [any CodingKey]) -> String {
            let words = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            let joined = words.joined().drop { $0 == "." }
            return joined.isEmpty ? "the top level" : String(joined)
        }

        switch error {
        case .keyNotFound(let key, let context):
            let parent = location(context.codingPath)
            return .malformed(path: path, location: parent, cause: "the key \"\(key.stringValue)\" is missing")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return .malformed(
                path: path, location: location(context.codingPath), cause: "expected \(Self.describe(type))")
        case .dataCorrupted(let context):
            let cause = (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
            return .malformed(path: path, location: location(context.codingPath), cause: "not valid JSON: \(cause)")
        @unknown default:
            return .malformed(path: path, location: "the top level", cause: "\(error)")
        }
    }

    /// A JSON name for a Swift type, such as "a whole number".
    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type:
            return "a whole number"
        case is String.Type:
            return "a string"
        case is [String].Type:
            return "an array of strings"
        case is [String: String].Type:
            return "an object of strings"
        default:
            return "a value of type \(type)"
        }
    }
}
