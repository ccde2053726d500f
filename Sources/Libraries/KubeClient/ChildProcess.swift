import Glibc
import Platform

/// Runs a credential plugin: `posix_spawn` with stdin from `/dev/null`, stdout captured (bounded), stderr passed
/// through, a clean signal mask and default dispositions, in its own process group so a timeout kills the whole
/// group. Blocks the calling thread (one of the client's callers, never the cooperative pool).
enum ChildProcess {
    /// Why a run produced no usable output.
    enum Failure: Error, Equatable {
        /// `posix_spawn` failed with this errno (e.g. ENOENT: no such command).
        case spawn(Int32)
        /// The plugin was still running at the deadline and was killed.
        case timedOut
        /// It wrote more than the output limit and was killed.
        case outputTooLarge
        /// It exited with a non-zero status.
        case exited(Int32)
        /// A signal ended it.
        case signaled(Int32)
        /// A pipe could not be created.
        case pipe(Int32)
    }

    /// Runs `executable` (looked up in `PATH` when it has no `/`) and returns its standard output.
    static func run(
        executable: String, arguments: [String], environment: [String], deadline: KubeDeadline, outputLimit: Int
    ) -> Result<[UInt8], Failure> {
        let pipe: (read: Int32, write: Int32)
        switch Spawn.pipe() {
        case .success(let created): pipe = created
        case .failure(let failure): return .failure(.pipe(failure.code))
        }
        let options = Spawn.Options(
            fileActions: [.open(0, path: "/dev/null", flags: O_RDONLY), .duplicate(pipe.write, to: 1), .closeFrom(3)],
            signals: .reset, ownProcessGroup: true, searchPath: true)
        let pid: pid_t
        switch Spawn.start([executable] + arguments, environment: environment, options: options) {
        case .success(let started):
            pid = started
            close(pipe.write)
        case .failure(let failure):
            close(pipe.write)
            close(pipe.read)
            return .failure(.spawn(failure.code))
        }
        let output = readAll(pipe.read, deadline: deadline, limit: outputLimit)
        close(pipe.read)
        if case .failure = output { terminate(pid) }
        let status = reap(pid, deadline: deadline)
        if case .failure(let failure) = output { return .failure(failure) }
        guard let status else { return .failure(.timedOut) }
        if status & 0x7f != 0 { return .failure(.signaled(status & 0x7f)) }
        let code = (status >> 8) & 0xff
        guard code == 0 else { return .failure(.exited(code)) }
        return output
    }

    /// Reads until end of file, the deadline, or the limit.
    private static func readAll(_ descriptor: Int32, deadline: KubeDeadline, limit: Int) -> Result<[UInt8], Failure> {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let remaining = deadline.remaining
            guard remaining > .zero else { return .failure(.timedOut) }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining.curlMilliseconds(), 1000)))
            if ready < 0 && errno != EINTR { return .failure(.pipe(errno)) }
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return .success(output) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(.pipe(errno))
            }
            guard output.count + count <= limit else { return .failure(.outputTooLarge) }
            output.append(contentsOf: buffer[0..<count])
        }
    }

    /// Waits for the child until the deadline, then kills its group and waits for good. Returns the wait
    /// status, or `nil` when it had to be killed.
    private static func reap(_ pid: pid_t, deadline: KubeDeadline) -> Int32? {
        var status: Int32 = 0
        while !deadline.hasPassed {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return status }
            if result < 0 && errno != EINTR { return status }
            var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
            nanosleep(&pause, nil)
        }
        terminate(pid)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return nil
    }

    /// SIGKILL to the child's process group (and the child, should the group not exist yet).
    private static func terminate(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    /// The client process's environment as `NAME=value` strings, with `overrides` replacing or adding names.
    /// k8s-worker's own settings (`K8S_WORKER_*`, among them the Kafka SASL password when the supervisor runs a
    /// plugin for its preflight) and systemd's notification and socket-activation variables are never passed:
    /// a credential plugin has no use for them (SECURITY.md, "Processes and the host"). Nor is
    /// `GNUTLS_NO_IMPLICIT_INIT`, which k8s-worker sets for itself (its libcurl links GnuTLS it never calls) but
    /// which would break a plugin that uses GnuTLS and relies on its load-time initialization.
    static func environment(with overrides: [(String, String)], base: [String] = processEnvironment()) -> [String] {
        let overridden = Set(overrides.map(\.0))
        return base.filter { entry in
            let name = String(entry.prefix { $0 != "=" })
            return !overridden.contains(name) && !withheld(name)
        } + overrides.map { "\($0.0)=\($0.1)" }
    }

    /// This process's environment as `NAME=value` strings.
    static func processEnvironment() -> [String] { ChildEnvironment.current() }

    static func withheld(_ name: String) -> Bool {
        ["K8S_WORKER_", "NOTIFY_SOCKET", "WATCHDOG_", "LISTEN_"].contains { name.hasPrefix($0) }
            || name == "GNUTLS_NO_IMPLICIT_INIT"
    }
}
