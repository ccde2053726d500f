import Events
import Glibc
import Platform

/// Debian's `nghttpx` (package `nghttp2-proxy`) in front of a running simulator, so clients speak HTTP/2 over TLS
/// the way a real API server offers it while the simulator itself stays HTTP/1.1.
///
/// The proxy listens on a free loopback port, presents the simulator's own server certificate (signed by its CA,
/// valid for `127.0.0.1` and `localhost`) with ALPN `h2` and `http/1.1`, and forwards every request over TLS to
/// the simulator, verifying it against the same CA. ``kubeconfigPath`` points at the proxy with the simulator's
/// CA and bearer token. Client certificates do not pass a TLS-terminating proxy: use the token context.
///
/// Each accepted request is a line of ``accessLogPath`` (client port, ALPN, method, path, status), so tests count
/// client connections as distinct ports. ``reload()`` (SIGHUP) replaces nghttpx's worker process the way its
/// configuration reload does: the old worker sends GOAWAY on every client connection, finishes the streams in
/// flight and exits, and the new one accepts the next connections on the same port.
public final class HTTP2Proxy: @unchecked Sendable {
    /// One access-log line.
    public struct AccessLogEntry: Sendable, Hashable {
        /// The client's TCP port: one value per client connection.
        public var clientPort: Int
        /// The protocol negotiated with the client (`h2`, `http/1.1`).
        public var alpn: String
        public var method: String
        public var path: String
        public var status: Int
    }

    /// The listening port.
    public let port: UInt16
    /// `https://127.0.0.1:<port>`.
    public let url: String
    /// A kubeconfig for the proxy: the simulator's CA and token (or token file), namespace as the simulator's.
    public let kubeconfigPath: String
    /// nghttpx's access log.
    public let accessLogPath: String
    /// nghttpx's error log (start, reloads, backend trouble).
    public let errorLogPath: String
    /// The scratch directory (certificate, key, logs, kubeconfig); removed by the caller with the simulator's.
    public let directory: String
    /// The nghttpx master process.
    public let pid: Int32
    private let stopped = Locked(false)

    /// The nghttpx executable: `$PATH`, then `/usr/sbin` and `/usr/bin` (Debian installs it in `/usr/sbin`).
    public static var executablePath: String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin"]
        return directories.map { "\($0)/nghttpx" }.first { access($0, X_OK) == 0 }
    }

    /// Starts nghttpx in front of `simulator` and waits until it accepts connections.
    ///
    /// - Parameters:
    ///   - directory: scratch space (default: `proxy/` in the simulator's output directory).
    ///   - threads: nghttpx worker threads (`--workers`).
    ///   - backendConnections: connections nghttpx may open to the simulator (`--backend-connections-per-host`).
    ///   - timeout: how long to wait for the port to accept.
    /// - Throws: `.notFound` when nghttpx is not installed, `.system` when it does not start in time.
    public init(
        simulator: APISimulator, directory: String? = nil, threads: Int = 1, backendConnections: Int = 64,
        timeout: Duration = .seconds(15)
    ) throws(SimulatorError) {
        guard let executable = Self.executablePath else {
            throw SimulatorError(.notFound, "nghttpx not found: install Debian's nghttp2-proxy (scripts/setup.sh)")
        }
        let directory = directory ?? "\(simulator.configuration.outputDirectory)/proxy"
        try FileIO.makeDirectory(directory)
        self.directory = directory
        let keyPath = "\(directory)/server.key"
        let certificatePath = "\(directory)/server.crt"
        let configurationPath = "\(directory)/nghttpx.conf"
        accessLogPath = "\(directory)/access.log"
        errorLogPath = "\(directory)/error.log"
        try FileIO.write(simulator.serverKeyPEM, to: keyPath, mode: 0o600)
        try FileIO.write(simulator.serverCertificatePEM, to: certificatePath, mode: 0o644)
        // Everything is on the command line; an empty file keeps nghttpx off /etc/nghttpx/nghttpx.conf, also on
        // reload.
        try FileIO.write("", to: configurationPath, mode: 0o600)

        var started: (pid: pid_t, port: UInt16)? = nil
        var lastError = SimulatorError(.system, "nghttpx did not start")
        // A port picked free may be taken before nghttpx binds it: then nghttpx exits and another is tried.
        for _ in 0..<3 where started == nil {
            let port = try Self.freePort()
            let arguments = [
                executable, "--conf=\(configurationPath)", "--frontend=127.0.0.1,\(port)",
                "--backend=127.0.0.1,\(simulator.port);;tls;sni=localhost", "--cacert=\(simulator.caPath)",
                "--workers=\(max(1, threads))", "--backend-connections-per-host=\(max(1, backendConnections))",
                "--accesslog-file=\(accessLogPath)",
                "--accesslog-format=$remote_port $alpn $method $path $status",
                "--errorlog-file=\(errorLogPath)", "--no-ocsp", "--no-via", keyPath, certificatePath,
            ]
            let pid = try Self.spawn(arguments, output: "\(directory)/nghttpx.out")
            switch Self.awaitListening(pid: pid, port: port, timeout: timeout) {
            case .listening:
                started = (pid, port)
            case .exited(let status):
                lastError = SimulatorError(
                    .system, "nghttpx exited with status \(status) before listening on \(port); see \(errorLogPath)")
            case .timedOut:
                Self.terminate(pid)
                lastError = SimulatorError(.system, "nghttpx did not listen on \(port) within \(timeout)")
            }
        }
        guard let started else { throw lastError }
        pid = started.pid
        port = started.port
        url = "https://127.0.0.1:\(started.port)"

        kubeconfigPath = "\(directory)/kubeconfig"
        var user = "    token: \(FieldError.quote(simulator.token))"
        if let tokenFile = simulator.configuration.tokenFile { user = "    tokenFile: \(FieldError.quote(tokenFile))" }
        let namespace = simulator.configuration.namespaces.first ?? "default"
        let lines = [
            "apiVersion: v1", "kind: Config", "clusters:", "- name: k8s-api-simulator-h2", "  cluster:",
            "    server: \(FieldError.quote(url))",
            "    certificate-authority-data: \(Base64.encode(Array(simulator.caPEM.utf8)))",
            "users:", "- name: k8s-worker-token", "  user:", user,
            "contexts:", "- name: token", "  context:", "    cluster: k8s-api-simulator-h2",
            "    user: k8s-worker-token", "    namespace: \(FieldError.quote(namespace))",
            "current-context: token",
        ]
        try FileIO.write(lines.joined(separator: "\n") + "\n", to: kubeconfigPath, mode: 0o600)
    }

    deinit { stop() }

    /// Sends SIGHUP: nghttpx starts a new worker process and gracefully shuts the old one down (GOAWAY on its
    /// client connections; streams in flight finish).
    public func reload() {
        guard !stopped.withLock({ $0 }) else { return }
        kill(pid, SIGHUP)
    }

    /// Stops nghttpx (SIGTERM, then SIGKILL after 5 s) and reaps it. Idempotent.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        Self.terminate(pid)
    }

    /// CPU time (user + system, seconds) of the nghttpx master and its live worker processes so far, from
    /// `/proc/<pid>/stat` (a worker replaced by ``reload()`` is not counted).
    public func cpuSeconds() -> Double {
        let children = (try? FileIO.read("/proc/\(pid)/task/\(pid)/children", limit: 4096)) ?? []
        let pids = [pid] + String(decoding: children, as: UTF8.self).split(separator: " ").compactMap { Int32($0) }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return pids.reduce(0.0) { total, process in
            guard let bytes = try? FileIO.read("/proc/\(process)/stat", limit: 4096) else { return total }
            let text = String(decoding: bytes, as: UTF8.self)
            // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
            guard let close = text.lastIndex(of: ")") else { return total }
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
                return total
            }
            return total + (user + system) / max(ticks, 1)
        }
    }

    /// The access log so far, one entry per answered request.
    public func accessLog() -> [AccessLogEntry] {
        guard let bytes = try? FileIO.read(accessLogPath, limit: 64 * 1024 * 1024) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 5, let port = Int(fields[0]), let status = Int(fields[4]) else { return nil }
            return AccessLogEntry(
                clientPort: port, alpn: String(fields[1]), method: String(fields[2]), path: String(fields[3]),
                status: status)
        }
    }

    // MARK: - Process handling

    private enum StartOutcome {
        case listening
        case exited(Int32)
        case timedOut
    }

    /// A loopback port nobody listens on right now.
    private static func freePort() throws(SimulatorError) -> UInt16 {
        let descriptor = try Sockets.listen(host: "127.0.0.1", port: 0)
        return try Sockets.localPort(descriptor)
    }

    /// Starts `arguments` with stdin from /dev/null, stdout and stderr into `output`, default signal handling and
    /// an empty signal mask (test threads block signals nghttpx relies on). It stays in the caller's process group,
    /// so a benchmark or test runner that kills its group takes nghttpx with it.
    private static func spawn(_ arguments: [String], output: String) throws(SimulatorError) -> pid_t {
        let options = Spawn.Options(
            fileActions: [
                .open(0, path: "/dev/null", flags: O_RDONLY),
                .open(1, path: output, flags: O_WRONLY | O_CREAT | O_APPEND, mode: 0o600),
                .duplicate(1, to: 2),
            ],
            signals: .resetOnly([SIGPIPE, SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD]))
        switch Spawn.start(arguments, options: options) {
        case .success(let pid): return pid
        case .failure(let failure): throw SimulatorError(.system, failure.description)
        }
    }

    /// Polls until `port` accepts a connection, the process exits, or `timeout` passes.
    private static func awaitListening(pid: pid_t, port: UInt16, timeout: Duration) -> StartOutcome {
        let deadline = Instant.now() + timeout
        while Instant.now() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return .exited(status) }
            if accepts(port: port) { return .listening }
            pause(milliseconds: 10)
        }
        return accepts(port: port) ? .listening : .timedOut
    }

    /// Whether a TCP connect to `127.0.0.1:port` succeeds (the socket is closed again at once).
    private static func accepts(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let connected = try? Sockets.withAddress(host: "127.0.0.1", port: port) { connect(fd, $0, $1) }
        return connected == 0
    }

    /// SIGTERM, a bounded wait for the exit, SIGKILL if it did not come; reaps the process.
    private static func terminate(_ pid: pid_t) {
        kill(pid, SIGTERM)
        let deadline = Instant.now() + .seconds(5)
        var status: Int32 = 0
        while Instant.now() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            // ECHILD: reaped by someone else already.
            if result == pid || (result < 0 && errno == ECHILD) { return }
            pause(milliseconds: 5)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    private static func pause(milliseconds: Int) {
        var interval = timespec(tv_sec: 0, tv_nsec: milliseconds * 1_000_000)
        nanosleep(&interval, nil)
    }
}
