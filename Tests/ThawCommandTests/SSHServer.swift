import Foundation
import XCTest

/// A real OpenSSH server on a loopback port for one test: a temporary host key and configuration, and root login
/// by one temporary client key only (no passwords, no PAM).
final class SSHServer {
    /// What went wrong starting the server.
    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// The port the server listens on, on 127.0.0.1.
    let port: Int

    /// The ssh command line that logs in to this server with the test's key, without prompts and without reading
    /// or writing the user's known hosts or configuration. Give it a destination such as `root@127.0.0.1`.
    let clientCommand: [String]

    /// Where sshd writes its process id.
    private let pidFile: URL

    private static let daemonPath = "/usr/sbin/sshd"

    /// Generates keys and a configuration in `folder` and starts `sshd` as a daemon.
    ///
    /// - Throws: `StartFailure` when OpenSSH is not installed or the server does not come up within five seconds.
    init(in folder: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.daemonPath) else {
            throw StartFailure(
                description: "\(Self.daemonPath) is missing: run scripts/setup (it installs openssh-server)")
        }

        // sshd refuses to start without its privilege separation folder, which only the service unit creates.
        try FileManager.default.createDirectory(
            atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])

        let hostKey = folder.appendingPathComponent("ssh_host_ed25519_key").path
        let clientKey = folder.appendingPathComponent("client_ed25519_key").path
        for key in [hostKey, clientKey] {
            let result = try ExternalProcess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key])
            guard result.status == 0 else {
                throw StartFailure(description: "ssh-keygen failed: \(result.standardError)")
            }
        }
        let authorizedKeys = folder.appendingPathComponent("authorized_keys")
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: authorizedKeys.path)

        self.port = try Self.freeLoopbackPort()
        self.pidFile = folder.appendingPathComponent("sshd.pid")
        let configuration = folder.appendingPathComponent("sshd_config")
        try """
        Port \(self.port)
        ListenAddress 127.0.0.1
        HostKey \(hostKey)
        AuthorizedKeysFile \(authorizedKeys.path)
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        PidFile \(self.pidFile.path)

        """.write(to: configuration, atomically: true, encoding: .utf8)

        self.clientCommand = [
            "ssh", "-F", "/dev/null", "-p", String(self.port), "-i", clientKey, "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        ]

        // sshd daemonizes here rather than running as a `Process` child: while an `sshd -D` child ran, Foundation
        // stopped noticing when the test's other children exited.
        let log = folder.appendingPathComponent("sshd.log")
        let started = try ExternalProcess.run([Self.daemonPath, "-f", configuration.path, "-E", log.path])
        guard started.status == 0 else {
            throw StartFailure(description: "sshd did not start: \(started.standardError)")
        }
        let pidFile = self.pidFile
        let isListening = ExternalProcess.poll(timeout: .seconds(5)) {
            let text = try? String(contentsOf: log, encoding: .utf8)
            return text?.contains("Server listening") == true && FileManager.default.fileExists(atPath: pidFile.path)
        }
        guard isListening else {
            self.stop()
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw StartFailure(description: "sshd did not start listening on port \(self.port): \(text)")
        }
    }

    deinit {
        self.stop()
    }

    /// Stops the server: SIGTERM to the process in its pid file, then waits up to five seconds for it to end.
    func stop() {
        guard let text = try? String(contentsOf: self.pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else {
            return
        }

        kill(pid, SIGTERM)

        _ = ExternalProcess.poll(timeout: .seconds(5)) { !ExternalProcess.isRunning(pid) }
        try? FileManager.default.removeItem(at: self.pidFile)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a socket bound to port 0.
    private static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else {
            throw StartFailure(description: "socket() failed: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            throw StartFailure(description: "binding 127.0.0.1 port 0 failed: \(String(cString: strerror(errno)))")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
