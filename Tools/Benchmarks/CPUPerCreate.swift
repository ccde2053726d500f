import Demo
import Events
import Glibc
import KafkaClient
import Platform
import SupervisorCore

/// Our own CPU per create (issue 13, item 2): a real `k8s-worker run` as shipped (its built-in configuration,
/// only told where Kafka and the cluster are) consumes create commands from librdkafka's mock cluster, runs them
/// on its worker processes against the API simulator over TLS (the demo's cluster: RBAC from
/// `deploy/kubernetes/rbac.yaml`, Pods moving through their phases) and publishes the events. The utime + stime
/// of the supervisor and of each worker, read from `/proc/PID/stat` before and after a batch, divided by the
/// batch, is the figure of the goal; this process's own CPU over the same batch (simulator, mock brokers, the
/// producer and the event reader) is the rest of the work, shown next to it. A warm-up batch comes first, so
/// connections, the rate limit's estimate and the allocator are in their steady state.
enum CPUPerCreate {
    struct Result {
        var workers = 0
        var creates = 0
        var seconds = 0.0
        /// User + system time; the system part of it.
        var supervisorSeconds = 0.0
        var supervisorSystemSeconds = 0.0
        var workerSeconds = 0.0
        var workerSystemSeconds = 0.0
        /// This process: the simulator, the mock brokers, the producer and the event reader.
        var environmentSeconds = 0.0
        /// Supervisor + workers with no command to run: CPU ms per second of wall time.
        var idleMillisecondsPerSecond = 0.0
        /// `/proc/loadavg`'s one-minute figure at the end.
        var loadAverage = ""

        func perCreate(_ seconds: Double) -> Double { seconds * 1000 / Double(max(creates, 1)) }
        var ownMilliseconds: Double { perCreate(supervisorSeconds + workerSeconds) }
    }

    /// How long the idle cost is measured (a measurement of the service at rest, not a wait for anything).
    static let idleSeconds = 5

    /// Starts `k8s-worker run` with its built-in configuration, told only where the demo's Kafka and cluster are,
    /// behind `wrapper` (a command that execs the rest, or nothing), from `binaries` (the directory holding
    /// `k8s-worker` and `k8s-worker-process`), with `arguments` after the configuration file (`--workers`,
    /// `--set`), and waits for its READY=1. Keep the listener as long as the service runs: it is the
    /// `NOTIFY_SOCKET` the service goes on sending its status to.
    static func startService(
        in environment: DemoEnvironment, binaries: String = Benchmark.binDirectory, wrapper: [String] = [],
        arguments: [String] = [], readySeconds: Int = 30
    ) throws -> (pid: pid_t, notify: NotifyListener) {
        let configPath = environment.directory + "/cpu.yaml"
        let text = """
            source:
              kind: kafka
            kafka:
              bootstrap_servers: "\(environment.bootstrap)"
            kubernetes:
              source: kubeconfig
              kubeconfig: "\(environment.kubeconfigPath)"
            log:
              level: warning
            metrics:
              listen: "127.0.0.1:0"

            """
        guard let file = fopen(configPath, "w") else { throw SupervisorError("cannot write \(configPath)") }
        fputs(text, file)
        fclose(file)

        let notify = try NotifyListener(path: environment.directory + "/notify.sock")
        let log = environment.directory + "/supervisor.log"
        let output = O_WRONLY | O_CREAT | O_APPEND
        let options = Spawn.Options(fileActions: [
            .open(1, path: log, flags: output, mode: 0o644), .open(2, path: log, flags: output, mode: 0o644),
            .open(0, path: "/dev/null", flags: O_RDONLY),
        ])
        let argv = wrapper + [binaries + "/k8s-worker", "run", "--config", configPath] + arguments
        // The environment the shipped unit and image give it (README, "Memory").
        let variables = ["NOTIFY_SOCKET=\(notify.path)", "PATH=/usr/bin:/bin", "GNUTLS_NO_IMPLICIT_INIT=1"]
        guard case .success(let supervisor) = Spawn.start(argv, environment: variables, options: options) else {
            throw SupervisorError("cannot start \(argv[0])")
        }
        for _ in 0..<readySeconds {
            if notify.waitForReady(seconds: 1) { return (supervisor, notify) }
            if waitpid(supervisor, nil, WNOHANG) == supervisor {
                throw SupervisorError("k8s-worker exited before it became ready (its log: \(log))")
            }
        }
        kill(supervisor, SIGTERM)
        Spawn.wait(supervisor)
        throw SupervisorError("k8s-worker did not become ready in \(readySeconds) s")
    }

    static func measure(quick: Bool) throws -> Result {
        let environment: DemoEnvironment
        do { environment = try DemoEnvironment(brokers: 1) } catch { throw SupervisorError("\(error)") }
        do {
            let result = try measure(in: environment, warmUp: quick ? 100 : 300, creates: quick ? 500 : 3000)
            environment.shutdown()
            return result
        } catch {
            environment.shutdown(keepingFiles: true)
            throw SupervisorError("\(error) (the supervisor's log is in \(environment.directory))")
        }
    }

    private static func measure(in environment: DemoEnvironment, warmUp: Int, creates: Int) throws -> Result {
        let (supervisor, notify) = try startService(in: environment)
        defer {
            kill(supervisor, SIGTERM)
            Spawn.wait(supervisor)
            withExtendedLifetime(notify) {}
        }
        let load = try CreateLoad(environment: environment, supervisor: supervisor)
        try load.run(0..<warmUp)
        let workers = ResidentMemory.childProcesses(of: supervisor)
        // What the service costs with nothing to do (heartbeats, polls, timers), to set beside the per-create cost.
        func ours() throws -> Double {
            try ([supervisor] + workers).map(ProcessCPU.seconds(of:)).reduce(0, +)
        }
        let idleStart = (cpu: try ours(), time: Benchmark.now())
        var pause = timespec(tv_sec: Self.idleSeconds, tv_nsec: 0)
        nanosleep(&pause, nil)
        let idleMillisecondsPerSecond =
            (try ours() - idleStart.cpu) * 1000 / (Double(Benchmark.now() - idleStart.time) / 1e9)
        let before = (
            supervisor: try ProcessCPU.times(of: supervisor), workers: try workers.map(ProcessCPU.times(of:)),
            environment: ProcessCPU.ownSeconds(), time: Benchmark.now()
        )
        try load.run(warmUp..<(warmUp + creates))
        let after = (
            supervisor: try ProcessCPU.times(of: supervisor), workers: try workers.map(ProcessCPU.times(of:)),
            environment: ProcessCPU.ownSeconds(), time: Benchmark.now()
        )
        guard ResidentMemory.childProcesses(of: supervisor) == workers else {
            throw SupervisorError("a worker was replaced during the run; its CPU time would be lost")
        }
        guard load.failed == 0 else { throw SupervisorError("\(load.failed) commands ended in execution_failed") }
        return Result(
            workers: workers.count, creates: creates, seconds: Double(after.time - before.time) / 1e9,
            supervisorSeconds: after.supervisor.user + after.supervisor.system - before.supervisor.user
                - before.supervisor.system,
            supervisorSystemSeconds: after.supervisor.system - before.supervisor.system,
            workerSeconds: zip(after.workers, before.workers).map { $0.user + $0.system - $1.user - $1.system }
                .reduce(0, +),
            workerSystemSeconds: zip(after.workers, before.workers).map { $0.system - $1.system }.reduce(0, +),
            environmentSeconds: after.environment - before.environment,
            idleMillisecondsPerSecond: idleMillisecondsPerSecond,
            loadAverage: String(
                (ResidentMemory.readAll("/proc/loadavg") ?? "").split(separator: " ").first ?? ""))
    }

    static func table(_ result: Result) -> String {
        func ms(_ value: Double) -> String { String(format2(value)) }
        return [
            "| CPU per create: `k8s-worker run` with its built-in configuration (\(result.workers) workers, Kubernetes handler) → API simulator over TLS, mock Kafka; \(result.creates) creates after a warm-up | value |",
            "|---|---:|",
            "| creates/s | \(Int(Double(result.creates) / max(result.seconds, 1e-9))) |",
            "| supervisor CPU ms per create (of it in the kernel) | \(ms(result.perCreate(result.supervisorSeconds))) (\(ms(result.perCreate(result.supervisorSystemSeconds)))) |",
            "| worker processes CPU ms per create (of it in the kernel) | \(ms(result.perCreate(result.workerSeconds))) (\(ms(result.perCreate(result.workerSystemSeconds)))) |",
            "| **ours (supervisor + workers) ms per create** (goal ≤ 0.5) | **\(ms(result.ownMilliseconds))** |",
            "| idle (no commands, \(idleSeconds) s): supervisor + workers CPU ms per second | \(ms(result.idleMillisecondsPerSecond)) |",
            "| simulator + mock broker + load generator (this process) ms per create | \(ms(result.perCreate(result.environmentSeconds))) |",
            "| load average (1 min) at the end | \(result.loadAverage) |",
        ].joined(separator: "\n")
    }

    static func json(_ result: Result) -> String {
        "{\"workers\":\(result.workers),\"creates\":\(result.creates),\"seconds\":\(result.seconds),"
            + "\"supervisor_ms_per_create\":\(result.perCreate(result.supervisorSeconds)),"
            + "\"supervisor_system_ms_per_create\":\(result.perCreate(result.supervisorSystemSeconds)),"
            + "\"workers_ms_per_create\":\(result.perCreate(result.workerSeconds)),"
            + "\"workers_system_ms_per_create\":\(result.perCreate(result.workerSystemSeconds)),"
            + "\"environment_ms_per_create\":\(result.perCreate(result.environmentSeconds)),"
            + "\"idle_ms_per_second\":\(result.idleMillisecondsPerSecond),"
            + "\"load_average\":\"\(result.loadAverage)\"}"
    }

    private static func format2(_ value: Double) -> String { Benchmark.format2(value) }
}

/// Create commands produced into the demo's mock Kafka, each batch waited for until every command's
/// `pod_created` (or `execution_failed`) event has been published.
final class CreateLoad {
    let producer: KafkaProducer
    let reader: KafkaConsumer
    let supervisor: pid_t
    private var finished = Set<String>()
    /// Commands that ended in `execution_failed`.
    private(set) var failed = 0

    init(environment: DemoEnvironment, supervisor: pid_t) throws {
        self.supervisor = supervisor
        producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: environment.cluster.bootstrapServers))
        var configuration = KafkaConsumerConfiguration(bootstrapServers: environment.cluster.bootstrapServers)
        configuration.groupID = "bench-cpu-reader"
        configuration.additionalProperties["fetch.wait.max.ms"] = "5"
        reader = try KafkaConsumer(configuration: configuration)
        try reader.assignFromBeginning(
            ["pod_events", "execution_events"].flatMap { topic in
                (0..<3).map { KafkaTopicPartition(topic: topic, partition: $0) }
            })
    }

    deinit { _ = try? reader.close() }

    /// Produces the commands numbered `range` and waits (300 s at most) until each has its event.
    func run(_ range: Range<Int>) throws {
        try KafkaBench.produce(producer, range: range)
        try producer.flush(timeout: .seconds(30))
        _ = producer.poll(maxEvents: 100_000)
        let deadline = Benchmark.now() + 300_000_000_000
        while finished.count < range.upperBound, Benchmark.now() < deadline {
            var entry = pollfd(fd: reader.readinessDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 20)
            for case .message(let message) in reader.poll(maxEvents: 1000) {
                if message.topic == "execution_events",
                    let event = try? ExecutionFailedEvent.decode(message.value, options: DecodingOptions())
                {
                    if finished.insert(event.executionID).inserted { failed += 1 }
                } else if let event = try? PodCreatedEvent.decode(message.value, options: DecodingOptions()) {
                    finished.insert(event.executionID)
                }
            }
            if waitpid(supervisor, nil, WNOHANG) == supervisor {
                throw SupervisorError("k8s-worker exited during the run")
            }
        }
        guard finished.count >= range.upperBound else {
            throw SupervisorError("only \(finished.count) of \(range.upperBound) commands finished in 300 s")
        }
    }
}

/// CPU time of processes, from `/proc` and `getrusage`.
enum ProcessCPU {
    /// utime + stime of `pid`, in seconds, from `/proc/PID/stat`.
    static func seconds(of pid: pid_t) throws -> Double {
        let times = try times(of: pid)
        return times.user + times.system
    }

    /// utime and stime of `pid`, in seconds, from `/proc/PID/stat`.
    static func times(of pid: pid_t) throws -> (user: Double, system: Double) {
        let stat = ResidentMemory.readAll("/proc/\(pid)/stat") ?? ""
        // The fields after the command name (which is in parentheses and may hold spaces): state is the 3rd
        // field of the line, utime the 14th, stime the 15th.
        guard let close = stat.lastIndex(of: ")") else { throw SupervisorError("cannot read /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw SupervisorError("unexpected /proc/\(pid)/stat: \(stat)")
        }
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user / tick, system / tick)
    }

    /// This process's user + system time, in seconds.
    static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

/// A `NOTIFY_SOCKET` datagram socket, for a supervisor started by the benchmark to report READY=1 to.
final class NotifyListener {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw SupervisorError("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw SupervisorError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw SupervisorError("bind \(path): errno \(errno)")
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Whether a datagram holding `READY=1` arrived within `seconds`.
    func waitForReady(seconds: Int) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<(seconds * 10) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0, String(decoding: buffer[0..<count], as: UTF8.self).contains("READY=1") { return true }
        }
        return false
    }
}
