import Glibc
import Platform

/// Starting, signalling and inspecting child processes through `posix_spawn`, `waitpid` and `/proc`.
public enum ProcessTable {
    /// Starts `argv` with exactly `environment`, stdin from `/dev/null` and stdout and stderr appended to
    /// `outputPath`. Returns the pid, or the `posix_spawn` error.
    ///
    /// One addition: this process's sanitizer options, unless `environment` sets them
    /// (``ChildEnvironment/withSanitizerOptions(_:)``). Under `scripts/sanitize.sh` the children are instrumented
    /// too, and their reports must land where the run looks.
    public static func spawn(
        _ argv: [String], environment: [String: String], outputPath: String
    ) -> Result<pid_t, Spawn.Failure> {
        let output = O_WRONLY | O_CREAT | O_APPEND
        let options = Spawn.Options(fileActions: [
            .open(1, path: outputPath, flags: output, mode: 0o644),
            .open(2, path: outputPath, flags: output, mode: 0o644),
            .open(0, path: "/dev/null", flags: O_RDONLY),
        ])
        let entries = ChildEnvironment.entries(ChildEnvironment.withSanitizerOptions(environment))
        return Spawn.start(argv, environment: entries, options: options)
    }

    /// Reaps `pid` if it has exited: its exit code, or 128 + the signal that ended it; `nil` while it runs.
    public static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Children of `parent`, from `/proc/*/stat`.
    public static func children(of parent: pid_t) -> [pid_t] {
        numberedEntries(of: "/proc").compactMap { pid in
            guard let fields = statFields(of: pid_t(pid)) else { return nil }
            // After the command name: state, then the parent pid.
            return fields.count > 2 && pid_t(fields[1]) == parent ? pid_t(pid) : nil
        }
    }

    /// The open descriptors of `pid`, from `/proc/<pid>/fd`.
    public static func descriptors(of pid: pid_t) -> [Int] {
        numberedEntries(of: "/proc/\(pid)/fd")
    }

    /// The entries of `directory` whose names are numbers, sorted.
    private static func numberedEntries(of directory: String) -> [Int] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var result: [Int] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let number = Int(name) { result.append(number) }
        }
        return result.sorted()
    }

    /// The one-letter state of a process (R, S, Z, T …), or nil if it is gone.
    public static func state(of pid: pid_t) -> Character? {
        statFields(of: pid)?.first?.first
    }

    /// Whether `pid` exists and is neither a zombie nor dead.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard let state = state(of: pid) else { return false }
        return state != "Z" && state != "X"
    }

    /// The fields of `/proc/<pid>/stat` after the command name (which may contain spaces, so split after `)`).
    private static func statFields(of pid: pid_t) -> [Substring]? {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = fread(&buffer, 1, buffer.count, file)
        let stat = String(decoding: buffer[0..<count], as: UTF8.self)
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}
