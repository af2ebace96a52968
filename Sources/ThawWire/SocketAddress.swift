import Foundation

/// An IPv4 or IPv6 socket address, as the socket calls take and return it.
struct SocketAddress: CustomStringConvertible {
    /// The address, in storage large enough for any family.
    var storage = sockaddr_storage()

    /// The number of meaningful bytes in `storage`.
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)

    /// The address family, `AF_INET` or `AF_INET6`.
    var family: Int32 {
        Int32(self.storage.ss_family)
    }

    /// Calls `body` with the address as the `sockaddr` pointer the socket calls expect.
    mutating func withSocketAddress<Result>(_ body: (UnsafeMutablePointer<sockaddr>, inout socklen_t) -> Result)
        -> Result
    {
        var length = self.length
        let result = withUnsafeMutablePointer(to: &self.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, &length) }
        }
        self.length = length
        return result
    }

    /// The port number.
    var port: Int {
        var copy = self
        return copy.withSocketAddress { address, _ in
            if address.pointee.sa_family == sa_family_t(AF_INET6) {
                return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }

    /// The numeric host and port, such as `127.0.0.1:4433` or `[::1]:4433`.
    var description: String {
        var copy = self
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = copy.withSocketAddress { address, length in
            getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
        }
        guard status == 0 else {
            return "an unknown address"
        }
        let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return self.family == AF_INET6 ? "[\(text)]:\(self.port)" : "\(text):\(self.port)"
    }

    /// The addresses `host` and `port` resolve to, for a stream socket.
    ///
    /// - Parameter passive: resolve for binding rather than connecting.
    /// - Throws: `TLSError.addressUnavailable` with the resolver's message.
    static func resolve(host: String, port: Int, passive: Bool) throws(TLSError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)

        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw .addressUnavailable(host: host, port: port, cause: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }

        var addresses: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let source = current.pointee.ai_addr {
                var address = SocketAddress()
                address.length = current.pointee.ai_addrlen
                withUnsafeMutableBytes(of: &address.storage) { target in
                    target.copyMemory(
                        from: UnsafeRawBufferPointer(start: source, count: Int(current.pointee.ai_addrlen)))
                }
                addresses.append(address)
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}
