import Glibc
import Platform

/// Runs a program with a deadline and captures its output (for kubectl and curl).
struct Subprocess {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
        var timedOut: Bool
    }

    /// The absolute path of `name` on PATH, or `nil`.
    static func which(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `executable arguments` and waits at most `timeout`; the child is killed if it overruns.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        timeout: Duration = .seconds(30)
    ) -> Result {
        guard case .success(let out) = Spawn.pipe(), case .success(let err) = Spawn.pipe() else {
            return Result(status: -1, standardOutput: "", standardError: "pipe failed", timedOut: false)
        }
        let outPipe = [out.read, out.write]
        let errPipe = [err.read, err.write]
        var merged = ChildEnvironment.currentVariables()
        for (key, value) in environment { merged[key] = value }
        let options = Spawn.Options(fileActions: [
            .duplicate(outPipe[1], to: 1), .duplicate(errPipe[1], to: 2), .open(0, path: "/dev/null", flags: O_RDONLY),
        ])
        let spawned = Spawn.start(
            [executable] + arguments, environment: ChildEnvironment.entries(merged), options: options)
        close(outPipe[1])
        close(errPipe[1])
        guard case .success(let pid) = spawned else {
            close(outPipe[0])
            close(errPipe[0])
            let code = if case .failure(let failure) = spawned { failure.code } else { Int32(0) }
            return Result(
                status: -1, standardOutput: "", standardError: "posix_spawn failed: \(code)", timedOut: false)
        }
        var output: [UInt8] = []
        var errors: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !open.isEmpty {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                timedOut = true
                kill(pid, SIGKILL)
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let milliseconds = Int32(
                min(
                    1000,
                    max(
                        1,
                        remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            )
            guard poll(&fds, nfds_t(fds.count), milliseconds) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    if entry.fd == outPipe[0] { output += buffer[0..<count] } else { errors += buffer[0..<count] }
                } else {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        for fd in open { close(fd) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return Result(
            status: exitCode, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errors, as: UTF8.self), timedOut: timedOut)
    }
}
