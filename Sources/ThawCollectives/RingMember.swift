/// One rank of a TLS ring: the worker whose certificate it presents and the address it listens on.
public struct RingMember: Sendable, Hashable, CustomStringConvertible {
    /// The worker id its certificate names (`thaw-worker-<id>`).
    public var workerID: Int

    /// The host its ring listener is reachable at, as named in its certificate.
    public var host: String

    /// The port its ring listener is bound to.
    public var port: Int

    /// Worker `workerID`, listening on `host`:`port`.
    public init(workerID: Int, host: String, port: Int) {
        self.workerID = workerID
        self.host = host
        self.port = port
    }

    /// Such as `worker 2 at 10.0.0.2:7301`.
    public var description: String {
        "worker \(self.workerID) at \(self.host):\(self.port)"
    }
}
