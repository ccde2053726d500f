import Glibc
import Platform

/// Listening sockets and a pipe, with non-blocking, close-on-exec descriptors.
enum Sockets {
    /// Calls `body` with `host:port` (an IPv4 or IPv6 literal) as a socket address and its length.
    static func withAddress<Result>(
        host: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) throws(SimulatorError) -> Result {
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                throw SimulatorError(.invalidArgument, "invalid host \(host)")
            }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SimulatorError(.invalidArgument, "invalid host \(host)")
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// A non-blocking listening TCP socket on `host:port` (IPv4 or IPv6 literal). It is deliberately not
    /// `SO_REUSEPORT`: two simulators must never share a port (the kernel may hand `bind(0)` a port that another
    /// reuse-port socket of the same user already holds).
    static func listen(host: String, port: UInt16) throws(SimulatorError) -> Descriptor {
        let isIPv6 = host.contains(":")
        let fd = socket(
            isIPv6 ? AF_INET6 : AF_INET,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("socket") }
        let descriptor = Descriptor(fd)
        var one: Int32 = 1
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw failure("setsockopt")
        }
        let bound = try withAddress(host: host, port: port) { bind(fd, $0, $1) }
        guard bound == 0 else { throw failure("bind \(host):\(port)") }
        guard Glibc.listen(fd, 1024) == 0 else { throw failure("listen") }
        return descriptor
    }

    /// The local port a socket is bound to.
    static func localPort(_ descriptor: Descriptor) throws(SimulatorError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor.fd, $0, &length) }
        }
        guard result == 0 else { throw failure("getsockname") }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                UInt16(bigEndian: $0.pointee.sin_port)
            }
        }
    }

    /// A non-blocking pipe: (read end, write end).
    static func pipe() throws(SimulatorError) -> (Descriptor, Descriptor) {
        guard let pipe = Descriptors.pipe(flags: O_NONBLOCK | O_CLOEXEC) else { throw failure("pipe2") }
        return (Descriptor(pipe.read), Descriptor(pipe.write))
    }

    static func failure(_ call: String) -> SimulatorError {
        SimulatorError(.system, "\(call): \(String(cString: strerror(errno)))")
    }
}
