import Glibc
import KubeManifests
import Platform

/// Runs the embedded entrypoint under a real shell in a private temporary directory, the way the
/// container does (`<shell> entrypoint.sh <argv…>`), with the termination log and TMPDIR redirected.
final class ShellHarness {
    /// A shell to test with.
    struct Shell: CustomStringConvertible, Sendable {
        let name: String
        /// argv prefix, e.g. `["/usr/bin/busybox", "sh"]`.
        let argv: [String]
        /// Extra PATH entries placed first (busybox applets standing in for an Alpine image).
        let busyboxUserland: Bool
        var description: String { busyboxUserland ? "\(name) + busybox tools" : name }
    }

    /// What a run produced.
    struct Run {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var terminationLog: String?
        var tmpEntries: [String]
    }

    /// The shells every entrypoint test runs on; a missing one is reported, never skipped.
    static let shells: [Shell] = [
        Shell(name: "dash", argv: ["dash"], busyboxUserland: false),
        Shell(name: "busybox sh", argv: ["busybox", "sh"], busyboxUserland: false),
        Shell(name: "bash", argv: ["bash"], busyboxUserland: false),
        Shell(name: "busybox sh", argv: ["busybox", "sh"], busyboxUserland: true),
    ]

    let directory: String
    var scriptPath: String { directory + "/entrypoint.sh" }
    var terminationLogPath: String { directory + "/termination-log" }
    var tmpPath: String { directory + "/tmp" }
    var binPath: String { directory + "/bin" }

    init() throws(HarnessError) {
        var template = Array("/tmp/kmtest-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        directory = String(cString: created)
        mkdir(tmpPath, 0o700)
        mkdir(binPath, 0o700)
        try Self.write(Array(EntrypointScript.text.utf8), to: scriptPath)
    }

    deinit {
        _ = Self.run(["/bin/rm", "-rf", directory])
    }

    /// The absolute path of `program` in /usr/bin or /bin, or nil.
    static func locate(_ program: String) -> String? {
        for directory in ["/usr/bin", "/bin", "/usr/local/bin"] where access(directory + "/" + program, X_OK) == 0 {
            return directory + "/" + program
        }
        return nil
    }

    /// The shell's argv with an absolute program path, or a clear error when it is not installed.
    func resolve(_ shell: Shell) throws(HarnessError) -> [String] {
        guard let program = Self.locate(shell.argv[0]) else {
            throw HarnessError(
                "\(shell.argv[0]) is not installed: run `apt-get install -y dash busybox` (the entrypoint must be tested on dash, busybox ash and bash)"
            )
        }
        if shell.busyboxUserland {
            for applet in [
                "sh", "date", "mktemp", "head", "wc", "sleep", "cat", "rm", "kill", "printf", "echo", "true", "touch",
                "dd",
            ] {
                symlink(program, binPath + "/" + applet)
            }
        }
        return [program] + shell.argv.dropFirst()
    }

    /// Starts `<shell> entrypoint.sh <arguments…>`; stdout and stderr go to files in the directory.
    func start(
        _ shell: Shell, _ arguments: [String], environment extra: [String: String] = [:]
    ) throws(HarnessError) -> pid_t {
        let argv = try resolve(shell) + [scriptPath] + arguments
        var environment = [
            "PATH": shell.busyboxUserland ? binPath : "/usr/local/bin:/usr/bin:/bin",
            "TERMINATION_LOG": terminationLogPath, "TMPDIR": tmpPath, "LC_ALL": "C",
        ]
        for (key, value) in extra { environment[key] = value }
        // A clean signal state, as PID 1 of a container has: the test runner's threads may block or
        // ignore signals, and a shell cannot trap a signal that was ignored when it started.
        let options = Spawn.Options(
            fileActions: [
                .open(0, path: "/dev/null", flags: O_RDONLY),
                .open(1, path: directory + "/stdout", flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600),
                .open(2, path: directory + "/stderr", flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600),
            ],
            signals: .resetOnly([SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD]))
        switch Spawn.start(argv, environment: ChildEnvironment.entries(environment), options: options) {
        case .success(let pid): return pid
        case .failure(let failure): throw HarnessError("cannot start \(argv[0]): error \(failure.code)")
        }
    }

    /// Waits up to `seconds` for `pid`, SIGKILLing it on timeout; returns the exit status (128+n for a signal).
    func wait(_ pid: pid_t, seconds: Double) throws(HarnessError) -> Run {
        let deadline = Self.now() + seconds
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) != pid {
            if Self.now() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw HarnessError("the entrypoint did not finish within \(seconds) s")
            }
            Self.sleep(milliseconds: 5)
        }
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Run(
            status: code, stdout: Self.read(directory + "/stdout") ?? [],
            stderr: Self.read(directory + "/stderr") ?? [],
            terminationLog: Self.read(terminationLogPath).map { String(decoding: $0, as: UTF8.self) },
            tmpEntries: Self.list(tmpPath))
    }

    /// Runs to completion.
    func run(_ shell: Shell, _ arguments: [String], environment: [String: String] = [:]) throws(HarnessError) -> Run {
        try wait(start(shell, arguments, environment: environment), seconds: 30)
    }

    /// Polls until `path` exists (within `seconds`).
    func waitForFile(_ path: String, seconds: Double) -> Bool {
        let deadline = Self.now() + seconds
        while Self.now() < deadline {
            if access(path, F_OK) == 0 { return true }
            Self.sleep(milliseconds: 5)
        }
        return access(path, F_OK) == 0
    }

    // MARK: - Small POSIX helpers

    static func write(_ bytes: [UInt8], to path: String) throws(HarnessError) {
        guard let file = fopen(path, "w") else { throw HarnessError("cannot write \(path)") }
        defer { fclose(file) }
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw HarnessError("short write to \(path)") }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[0..<count]
            if count < chunk.count { break }
        }
        return bytes
    }

    static func list(_ path: String) -> [String] {
        guard let handle = opendir(path) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    @discardableResult
    static func run(_ argv: [String]) -> Int32 { Spawn.run(argv) ?? -1 }

    static func now() -> Double { Double(Instant.now().nanoseconds) / 1e9 }

    static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        _ = nanosleep(&request, nil)
    }
}

/// A test-environment failure (missing shell, spawn error, timeout).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
