import Glibc

/// Failures of the supervisor itself (start-up and system calls). Command failures are values, not errors.
public struct SupervisorError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    /// A failed system call, with `errno`'s text.
    static func system(_ call: String) -> SupervisorError {
        SupervisorError("\(call) failed: \(String(cString: strerror(errno)))")
    }

    public var description: String { message }
}
