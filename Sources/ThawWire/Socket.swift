import Foundation

/// The non-blocking socket calls under `TLSConnection` and `TLSListener`.
///
/// Every socket is non-blocking and every wait is a `poll()` bounded by a deadline, so no call here can
/// block past the time its caller allowed. (A blocking socket with `poll()` before each read is not enough
/// under TLS: a readable socket may hold only part of a record, and the read would then block.)
enum Socket {
    /// What a bounded wait on a socket ended with.
    enum Readiness {
        /// The socket is ready, or has an error or hang-up that the next call will report.
        case ready

        /// The deadline passed first.
        case timedOut

        /// `poll()` itself failed with this `errno`.
        case failed(Int32)
    }

    /// Waits until `descriptor` is readable (or writable) or `deadline` passes.
    static func wait(_ descriptor: Int32, forWriting: Bool, until deadline: ContinuousClock.Instant) -> Readiness {
        while true {
            let remaining = deadline - ContinuousClock.now
            let (seconds, attoseconds) = max(remaining, .zero).components
            let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000

            var entry = pollfd(fd: descriptor, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)
            let result = poll(&entry, 1, Int32(clamping: milliseconds))

            if result > 0 {
                return .ready
            }
            if result == 0 {
                return .timedOut
            }
            if errno != EINTR {
                return .failed(errno)
            }
        }
    }

    /// A connected TCP socket to `host`:`port`, trying each address the name resolves to.
    ///
    /// - Throws: `TLSError.addressUnavailable` if the name does not resolve, `.timedOut` if `deadline`
    ///   passes, `.connectFailed` with the last address's cause otherwise.
    static func connect(
        host: String,
        port: Int,
        until deadline: ContinuousClock.Instant,
        timeout: Duration
    ) throws(TLSError) -> (descriptor: Int32, address: SocketAddress) {
        let addresses = try SocketAddress.resolve(host: host, port: port, passive: false)
        var cause = "the name resolved to no address"

        for var address in addresses {
            let descriptor = Self.makeSocket(family: address.family)
            guard descriptor >= 0 else {
                cause = Self.errorText(errno)
                continue
            }

            var status = address.withSocketAddress { Glibc.connect(descriptor, $0, $1) }
            if status != 0 && errno == EINPROGRESS {
                switch Self.wait(descriptor, forWriting: true, until: deadline) {
                case .ready:
                    status = Self.pendingError(descriptor)
                case .timedOut:
                    close(descriptor)
                    throw .timedOut(operation: "connect", peer: "\(address)", after: timeout)
                case .failed(let code):
                    status = code
                }
            } else if status != 0 {
                status = errno
            }

            guard status == 0 else {
                cause = "\(address): \(Self.errorText(status))"
                close(descriptor)
                continue
            }
            Self.disableNagle(descriptor)
            return (descriptor, address)
        }
        throw .connectFailed(peer: "\(host):\(port)", cause: cause)
    }

    /// A listening socket bound to `host`:`port` (port 0 picks a free port), and the address it is bound to.
    ///
    /// - Throws: `TLSError.addressUnavailable` naming the address and the system's reason.
    static func listen(host: String, port: Int, backlog: Int32) throws(TLSError) -> (Int32, SocketAddress) {
        guard var address = try SocketAddress.resolve(host: host, port: port, passive: true).first else {
            throw .addressUnavailable(host: host, port: port, cause: "the name resolved to no address")
        }

        let descriptor = Self.makeSocket(family: address.family)
        guard descriptor >= 0 else {
            throw .addressUnavailable(host: host, port: port, cause: Self.errorText(errno))
        }

        var enable: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<Int32>.size))
        guard address.withSocketAddress({ bind(descriptor, $0, $1) }) == 0, Glibc.listen(descriptor, backlog) == 0
        else {
            let cause = Self.errorText(errno)
            close(descriptor)
            throw .addressUnavailable(host: host, port: port, cause: cause)
        }

        var bound = SocketAddress()
        _ = bound.withSocketAddress { getsockname(descriptor, $0, &$1) }
        return (descriptor, bound)
    }

    /// Accepts one pending connection on a non-blocking listening socket, or returns `nil` if none is pending.
    ///
    /// - Returns: the connected socket, non-blocking, and the peer's address.
    static func accept(_ listener: Int32) -> Result<(Int32, SocketAddress)?, Errno> {
        var address = SocketAddress()
        let descriptor = address.withSocketAddress { Glibc.accept(listener, $0, &$1) }

        guard descriptor >= 0 else {
            let code = errno
            let isTransient = [EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED].contains(code)
            return isTransient ? .success(nil) : .failure(Errno(code: code))
        }

        guard fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0, fcntl(descriptor, F_SETFL, O_NONBLOCK) == 0 else {
            let code = errno
            close(descriptor)
            return .failure(Errno(code: code))
        }
        Self.disableNagle(descriptor)
        return .success((descriptor, address))
    }

    /// The text of an `errno` value.
    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// A non-blocking, close-on-exec stream socket.
    private static func makeSocket(family: Int32) -> Int32 {
        socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
    }

    /// Sends small frames at once instead of waiting to coalesce them.
    private static func disableNagle(_ descriptor: Int32) {
        var enable: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The result of a non-blocking connect, read with `SO_ERROR`.
    private static func pendingError(_ descriptor: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else {
            return errno
        }
        return code
    }

    /// An `errno` value as an error.
    struct Errno: Error {
        /// The value.
        let code: Int32
    }
}
