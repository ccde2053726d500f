import Events
import Glibc
import KafkaClient
import KafkaIngest
import KubeAccess
import KubeClient
import KubeSimulator
import Logging
import Platform
import SupervisorCore

/// The system this project replaces, measured in the same run: an upstream-equivalent Python K8s worker
/// (`bench/python-worker/worker.py`: aiokafka and kubernetes_asyncio, one command at a time, ConfigMap → Pod →
/// owner patch → `pod_created` acknowledged → commit, as Integr8sCode's worker does) against the same mock Kafka
/// cluster and API simulator as this project's supervisor, both given the same backlog of create commands at the
/// same added API latency, alternately, so the ratio of the two is taken on every benchmark run on one machine.
///
/// The supervisor runs with its shipped defaults (``Configuration()``, with the adaptive API rate limit its workers
/// share), not the tuned settings of the end-to-end matrix: the column compares what each system does as
/// shipped. Both rates run from the first command consumed to the last event the broker acknowledged.
enum PythonWorkerBench {
    /// One side of a comparison: creates per second, and CPU time per create (ms).
    struct Side {
        var rate: Double
        var cpuPerCreate: Double
    }

    /// One setting: both sides on the same backlog at the same added API latency.
    struct Row {
        var latencyMilliseconds: Int
        var commands: Int
        /// Runs of each side; the best of each is reported.
        var runs: Int
        /// CPU: the worker processes only (the supervisor runs inside this benchmark process, with the
        /// simulator, so its own CPU time cannot be told apart).
        var project: Side
        /// CPU: the whole Python process, from its first command consumed to its exit.
        var python: Side
        /// CPU time of the Python process before its first command (imports, connections, group join), ms.
        var pythonStartupCPU: Double
        var ratio: Double { project.rate / max(python.rate, 1e-9) }
    }

    /// The configuration the project's side runs with.
    static let shipped = Configuration()

    /// The settings compared: (added API latency ms, commands). The Python worker makes three API calls per
    /// create one after another, about 12 creates/s at 25 ms, hence the smaller backlog there.
    static let settings = [(latency: 0, commands: 300), (latency: 25, commands: 200)]

    /// Where the Python worker's files are: this source file's repository (the benchmark is run from its build).
    static let repository: String = {
        let source = #filePath
        return String(source[..<(source.firstRange(of: "/Tools/Benchmarks/")?.lowerBound ?? source.endIndex)])
    }()

    /// Both sides at each setting, alternating, `runs` times each; the best run of each side is kept, as the
    /// machine is shared and the best run is the one least disturbed.
    static func rows(quick: Bool) throws -> [Row] {
        let python = try interpreter()
        let runs = quick ? 1 : 2
        var rows: [Row] = []
        for (latency, commands) in settings {
            var projects: [Side] = []
            var pythons: [(side: Side, startupCPU: Double)] = []
            for _ in 0..<runs {
                projects.append(try project(latencyMilliseconds: latency, commands: commands))
                pythons.append(try pythonWorker(python, latencyMilliseconds: latency, commands: commands))
                let progress =
                    "python worker column, \(latency) ms: project \(Int(projects.last!.rate)) creates/s, Python \(Report.fixed(pythons.last!.side.rate)) creates/s\n"
                _ = progress.withCString { write(2, $0, strlen($0)) }
            }
            let bestPython = pythons.max { $0.side.rate < $1.side.rate }!
            rows.append(
                Row(
                    latencyMilliseconds: latency, commands: commands, runs: runs,
                    project: projects.max { $0.rate < $1.rate }!, python: bestPython.side,
                    pythonStartupCPU: bestPython.startupCPU))
        }
        return rows
    }

    /// The virtual environment's python, created by `bench/python-worker/venv.sh` on first use (from PyPI).
    static func interpreter() throws -> String {
        let directory = KubeBench.scratchDirectory()
        defer { _ = system("rm -rf '\(directory)'") }
        let output = directory + "/venv.out"
        let errors = directory + "/venv.err"
        let options = Spawn.Options(fileActions: [
            .open(0, path: "/dev/null", flags: O_RDONLY),
            .open(1, path: output, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644),
            .open(2, path: errors, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644),
        ])
        let script = repository + "/bench/python-worker/venv.sh"
        guard let status = Spawn.run(["/bin/bash", script], options: options) else {
            throw SupervisorError("cannot run \(script)")
        }
        let python = PythonWorkerBench.text(output).split(separator: "\n").last.map(String.init) ?? ""
        guard status == 0, !python.isEmpty else {
            throw SupervisorError(
                "\(script) failed (wait status \(status)): \(PythonWorkerBench.text(errors).suffix(2000))")
        }
        return python
    }

    /// A fresh mock cluster with the standard topics and a backlog of `commands` create commands; the cluster
    /// lives as long as the returned value.
    static func backlog(commands: Int) throws -> KafkaMockCluster {
        let cluster = try KafkaMockCluster(brokers: 1)
        for topic in ["saga_commands", "pod_events", "execution_events", "saga_commands.dlq"] {
            try cluster.createTopic(topic, partitions: topic == "saga_commands" ? 6 : 3)
        }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
        try KafkaBench.produce(producer, range: 0..<commands)
        return cluster
    }

    /// This project's side: the supervisor with the shipped configuration, except what has to name this run (the
    /// cluster, the worker binary, no metrics port, quieter logs) and `workers.min_ready` (below), the workers' API
    /// rate limit shared as `k8s-worker run` shares it, until an ``Observer`` has seen every `pod_created`.
    static func project(latencyMilliseconds: Int, commands: Int) throws -> Side {
        let directory = KubeBench.scratchDirectory()
        defer { _ = system("rm -rf '\(directory)'") }
        let (simulator, _, simulated) = try KubeBench.simulator(
            latencyMilliseconds: latencyMilliseconds, directory: directory)
        defer { simulator.stop() }
        let cluster = try backlog(commands: commands)

        var configuration = shipped
        configuration.metrics.listen = ""  // no endpoint: it would collide with a service on the default port
        configuration.workers.executable = Benchmark.binDirectory + "/k8s-worker-process"
        configuration.kafka.bootstrapServers = cluster.bootstrapServers.joined(separator: ",")
        configuration.log.level = "warning"
        // Consuming starts once every worker is up (shipped: the first), as the Python worker's clock starts once it
        // is up: the rates compare the systems running, not starting.
        configuration.workers.minReady = configuration.workers.count
        // `kubernetes.rate_limit: adaptive` as shipped, with the shipped ceiling and burst.
        let section = configuration.kubernetes
        let limiter = try RateLimiter.sharable(mode: .adaptive, qps: Double(section.qps), burst: section.burst)
        var kubernetes = simulated
        kubernetes.rateLimit = .adaptive
        kubernetes.qps = Double(section.qps)
        kubernetes.burst = section.burst
        kubernetes.rateLimitDescriptor = KubernetesSettings.sharedRateLimitDescriptor
        let welcome = kubernetes.json

        let observerProducer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
        let counting = Observer(
            bootstrap: cluster.bootstrapServers, producer: observerProducer, backlog: commands, samples: 0)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let source = KafkaCommandSource(settings: try KafkaSourceSettings(configuration))
        let loader = ConfigurationLoader(path: nil, environment: ["PATH": "/usr/bin:/bin"], overrides: [])
        let supervisor = try Supervisor(
            configuration: configuration, loader: loader, source: source, logger: logger,
            handlerSettings: { _ in welcome }, workerDescriptors: limiter.descriptor.map { [$0] } ?? [])
        let childrenBefore = KubeBench.childrenCPUSeconds()
        counting.start()
        try withExtendedLifetime((cluster, limiter)) { _ = try supervisor.run() }
        counting.join()
        // The supervisor has reaped its workers, so their CPU time is in this process's children's.
        let workerCPU = KubeBench.childrenCPUSeconds() - childrenBefore
        let created = simulator.objects(namespace: "integr8scode", kind: "Pod").count
        guard source.settled >= commands, created >= commands else {
            throw SupervisorError("project: \(source.settled) commands settled, \(created) pods, of \(commands)")
        }
        let elapsed = (source.lastSettledAt ?? .now()).since(source.firstConsumedAt ?? .now()).seconds
        return Side(
            rate: Double(source.settled) / max(elapsed, 1e-9),
            cpuPerCreate: workerCPU * 1000 / Double(source.settled))
    }

    /// The Python side: `worker.py` until it has handled `commands` commands (it exits by itself), its rate and
    /// timestamps from its final stdout line, its CPU time from /proc at its first command and at its exit. Its
    /// events are then checked with this project's own decoder, and its objects in the simulator.
    static func pythonWorker(
        _ python: String, latencyMilliseconds: Int, commands: Int
    ) throws -> (side: Side, startupCPU: Double) {
        let directory = KubeBench.scratchDirectory()
        defer { _ = system("rm -rf '\(directory)'") }
        let (simulator, _, _) = try KubeBench.simulator(latencyMilliseconds: latencyMilliseconds, directory: directory)
        defer { simulator.stop() }
        let cluster = try backlog(commands: commands)
        let log = directory + "/python-worker.log"
        let argv = [
            python, repository + "/bench/python-worker/worker.py", "--bootstrap-servers",
            cluster.bootstrapServers.joined(separator: ","), "--kubeconfig", simulator.kubeconfigPath, "--group-id",
            "python-k8s-worker", "--commands", String(commands),
        ]
        let run = try PythonRun(argv, log: log)
        let done = try run.finish(deadlineSeconds: 180)
        let count = done["created"]?.numberValue?.int64Value.map(Int.init) ?? 0
        guard count == commands,
            let first = done["first_consumed_monotonic_ns"]?.numberValue?.int64Value,
            let last = done["last_published_monotonic_ns"]?.numberValue?.int64Value
        else {
            throw SupervisorError(
                "python worker: \(count) of \(commands) created; its log: \(PythonWorkerBench.text(log).suffix(2000))")
        }
        try checkObjects(simulator, commands: commands)
        try checkEvents(bootstrap: cluster.bootstrapServers, commands: commands)
        let seconds = Double(last - first) / 1e9
        let side = Side(
            rate: Double(count) / max(seconds, 1e-9),
            cpuPerCreate: (run.cpuAtExit - run.cpuAtFirstCommand) * 1000 / Double(count))
        return (side, run.cpuAtFirstCommand * 1000)
    }

    /// Every command left a Pod and a ConfigMap owned by that Pod (the owner patch went through).
    static func checkObjects(_ simulator: APISimulator, commands: Int) throws {
        let pods = simulator.objects(namespace: "integr8scode", kind: "Pod")
        let configMaps = simulator.objects(namespace: "integr8scode", kind: "ConfigMap")
        let owned = configMaps.filter { configMap in
            configMap["metadata"]?.objectValue?["ownerReferences"]?.arrayValue?.first?.objectValue?["kind"]?
                .stringValue == "Pod"
        }
        guard pods.count >= commands, owned.count >= commands else {
            throw SupervisorError(
                "python worker: \(pods.count) pods and \(owned.count) owned ConfigMaps for \(commands) commands")
        }
    }

    /// `pod_events` holds a `pod_created` for every command that this project's decoder accepts, keyed by its
    /// execution id (what the saga orchestrator downstream reads).
    static func checkEvents(bootstrap: [String], commands: Int) throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap)
        configuration.groupID = "bench-python-check"
        let consumer = try KafkaConsumer(configuration: configuration)
        defer { _ = try? consumer.close() }
        try consumer.assignFromBeginning((0..<3).map { KafkaTopicPartition(topic: "pod_events", partition: $0) })
        var valid = Set<String>()
        var invalid = 0
        let deadline = Benchmark.now() + 10_000_000_000
        while valid.count + invalid < commands, Benchmark.now() < deadline {
            var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 50)
            for case .message(let message) in consumer.poll(maxEvents: 1000) {
                if let event = try? PodCreatedEvent.decode(message.value, options: DecodingOptions()),
                    message.key == Array(event.executionID.utf8)
                {
                    valid.insert(event.executionID)
                } else {
                    invalid += 1
                }
            }
        }
        guard valid.count == commands, invalid == 0 else {
            throw SupervisorError(
                "python worker: \(valid.count) valid pod_created of \(commands) on pod_events, \(invalid) not")
        }
    }
}

/// A running `worker.py`: its stdout on a pipe (the JSON lines), stderr to a log file. The CPU time of the process
/// (utime + stime from /proc/PID/stat) is sampled when it reports its first command and once it has exited but
/// is not yet reaped. If it is dropped still running, it is killed and reaped.
final class PythonRun {
    let pid: pid_t
    private let output: Int32
    private let log: String
    private var reaped = false
    /// CPU seconds of the process at its first command, and at its exit.
    private(set) var cpuAtFirstCommand = 0.0
    private(set) var cpuAtExit = 0.0

    init(_ argv: [String], log: String) throws {
        guard case .success(let pipe) = Spawn.pipe() else { throw SupervisorError("pipe failed") }
        let options = Spawn.Options(
            fileActions: [
                .open(0, path: "/dev/null", flags: O_RDONLY), .duplicate(pipe.write, to: 1),
                .open(2, path: log, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644),
            ], signals: .reset)
        let started = Spawn.start(argv, options: options)
        close(pipe.write)
        guard case .success(let pid) = started else {
            close(pipe.read)
            throw SupervisorError("cannot start the python worker \(argv[0])")
        }
        self.pid = pid
        self.output = pipe.read
        self.log = log
    }

    deinit {
        close(output)
        if !reaped {
            kill(pid, SIGKILL)
            Spawn.wait(pid)
        }
    }

    /// Reads its stdout until it closes (the worker exits after its commands), then reaps it; its final line,
    /// parsed. Past the deadline it gets SIGTERM, and the run fails.
    func finish(deadlineSeconds: UInt64) throws -> JSONObject {
        let deadline = Benchmark.now() + deadlineSeconds * 1_000_000_000
        var pending: [UInt8] = []
        var lines: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            guard Benchmark.now() < deadline else {
                kill(pid, SIGTERM)
                throw SupervisorError(
                    "python worker still running after \(deadlineSeconds) s; its log: \(PythonWorkerBench.text(log).suffix(2000))"
                )
            }
            var entry = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 200) > 0 else { continue }
            let count = read(output, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending += buffer[0..<count]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                if line.contains("\"first_consumed\"") { cpuAtFirstCommand = try cpuSeconds() }
                lines.append(line)
            }
        }
        // Exited, not yet reaped: its /proc entry still holds its CPU time.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        cpuAtExit = try cpuSeconds()
        let status = Spawn.wait(pid)
        reaped = true
        guard status == 0, let last = lines.last,
            let done = try? JSONParser().parse(last).objectValue, done["event"]?.stringValue == "done"
        else {
            throw SupervisorError(
                "python worker exited with wait status \(status); its log: \(PythonWorkerBench.text(log).suffix(2000))"
            )
        }
        return done
    }

    /// utime + stime of the process, in seconds.
    private func cpuSeconds() throws -> Double { try ProcessCPU.seconds(of: pid) }
}

extension PythonWorkerBench {
    /// A file's text, "" when unreadable (the worker's log for error messages, `/proc/PID/stat`).
    static func text(_ path: String) -> String { ResidentMemory.readAll(path) ?? "" }

    /// The section's table: one row per setting, each stating both sides' configuration, the ratio of the rates.
    static func table(_ rows: [Row]) -> String {
        var lines = [
            "| Upstream-equivalent Python worker vs this project (mock Kafka → worker → simulator over TLS → pod_created acknowledged) | this project creates/s | Python worker creates/s | ratio (project / Python) | Python CPU ms/create | this project's worker processes CPU ms/create |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            lines.append(
                "| \(row.latencyMilliseconds) ms API latency, \(row.commands) commands each; this project: shipped defaults (\(shipped.workers.count) workers × \(shipped.workers.concurrency), shared adaptive API rate limit); Python: aiokafka + kubernetes_asyncio, 1 command at a time, ConfigMap → Pod → owner patch, no Redis or MongoDB; best of \(row.runs) run(s) each | \(Int(row.project.rate)) | \(Report.fixed(row.python.rate)) | \(Report.fixed(row.ratio))x | \(Report.fixed(row.python.cpuPerCreate)) | \(Report.fixed(row.project.cpuPerCreate)) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The section's JSON for `--output`.
    static func json(_ rows: [Row]) -> String {
        "["
            + rows.map { row in
                "{\"api_latency_ms\":\(row.latencyMilliseconds),\"commands\":\(row.commands),\"runs\":\(row.runs),"
                    + "\"project\":{\"configuration\":\"shipped defaults\",\"workers\":\(shipped.workers.count),"
                    + "\"concurrency\":\(shipped.workers.concurrency),"
                    + "\"rate_per_s\":\(Report.fixed(row.project.rate)),"
                    + "\"worker_processes_cpu_ms_per_create\":\(Report.fixed(row.project.cpuPerCreate))},"
                    + "\"python\":{\"rate_per_s\":\(Report.fixed(row.python.rate)),"
                    + "\"cpu_ms_per_create\":\(Report.fixed(row.python.cpuPerCreate)),"
                    + "\"startup_cpu_ms\":\(Report.fixed(row.pythonStartupCPU))},"
                    + "\"ratio\":\(Report.fixed(row.ratio))}"
            }.joined(separator: ",") + "]"
    }
}
