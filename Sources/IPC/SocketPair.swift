import Glibc

/// A connected pair of `AF_UNIX` stream sockets, both close-on-exec.
public struct SocketPair: Sendable {
    /// The end the supervisor keeps.
    public let parent: Int32
    /// The end handed to the worker (duplicated onto descriptor 3 in the child).
    public let child: Int32

    /// Creates the pair with generous buffers so that a burst of small frames does not stall on either side.
    public static func make(bufferSize: Int32 = 1 << 20) throws(IPCError) -> SocketPair {
        var fds: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else {
            throw IPCError(.io, "socketpair: \(String(cString: strerror(errno)))")
        }
        var size = bufferSize
        for fd in fds {
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        return SocketPair(parent: fds[0], child: fds[1])
    }
}
