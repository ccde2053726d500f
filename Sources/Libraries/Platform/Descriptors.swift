internal import CLinux
import Glibc

/// Descriptor calls the Glibc module does not export in a usable form (`pipe2`, `accept4`, `fcntl`'s variadic
/// forms), wrapped once over CLinux so that no other target calls the shim for them.
public enum Descriptors {
    /// `pipe2(flags)`: (read end, write end), or `nil` with `errno` set.
    public static func pipe(flags: Int32) -> (read: Int32, write: Int32)? {
        var descriptors: [Int32] = [-1, -1]
        guard clinux_pipe2(&descriptors, flags) == 0 else { return nil }
        return (descriptors[0], descriptors[1])
    }

    /// Accepts one connection from `listener` as a non-blocking, close-on-exec socket (`accept4`); -1 with
    /// `errno` set when there is none or it failed.
    public static func acceptNonblocking(_ listener: Int32) -> Int32 {
        clinux_accept_nonblocking(listener)
    }

    /// Sets close-on-exec on `descriptor`.
    public static func setCloseOnExec(_ descriptor: Int32) {
        _ = clinux_fcntl_int(descriptor, F_SETFD, FD_CLOEXEC)
    }

    /// A close-on-exec duplicate of `descriptor` numbered `minimum` or higher (`F_DUPFD_CLOEXEC`), or -1.
    public static func duplicate(_ descriptor: Int32, minimum: Int32) -> Int32 {
        clinux_fcntl_int(descriptor, F_DUPFD_CLOEXEC, minimum)
    }
}
