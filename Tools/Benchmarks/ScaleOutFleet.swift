import Glibc
import Platform
import SupervisorCore

/// The supervisors of one scale-out variant: `k8s-worker run` processes by slot (1…5), each writing its JSON log
/// to a file of its own (a restarted slot gets a new file), all on one configuration file. Whatever still runs
/// when the fleet goes away is killed and reaped.
final class ScaleOutFleet {
    private let directory: String
    private let configPath: String
    private let staticMembership: Bool
    private var running: [Int: pid_t] = [:]
    private var exited: Set<Int> = []
    private var logs: [(slot: Int, path: String)] = []
    /// SIGKILLs sent and exits seen: the slot owned nothing from that moment (a killed process logs nothing more,
    /// and one that stops hands its partitions back inside librdkafka's close, which the source does not log).
    private var departures: [(slot: Int, time: Double)] = []

    init(directory: String, bootstrap: String, kubeconfig: String, variant: ScaleOutBench.Variant) throws {
        self.directory = directory
        configPath = directory + "/scale-out.yaml"
        staticMembership = variant.staticMembership
        // The shipped configuration, except where the cluster is, the metrics port (five supervisors on one host),
        // JSON logs (read back for the assignments), the settings the variants compare, and the `stub` handler:
        // with the Kubernetes handler the API simulator in the benchmark process, holding tens of thousands of
        // objects after a few minutes at 80 creates/s, took more than a core and became the bottleneck (the fleet
        // fell behind the stream); what this benchmark measures is the Kafka group, which the stub handler runs
        // for real (events, commits, revocations).
        let text = """
            source:
              kind: kafka
            workers:
              handler: stub
            kafka:
              bootstrap_servers: "\(bootstrap)"
              assignment_strategy: \(variant.strategy)
              group_instance_id: \(variant.staticMembership ? "auto" : "none")\(variant.sessionTimeout.map { "\n  session_timeout: \($0)s" } ?? "")
            kubernetes:
              source: kubeconfig
              kubeconfig: "\(kubeconfig)"
              namespace: integr8scode
            log:
              format: json
            metrics:
              listen: "127.0.0.1:0"

            """
        guard let file = fopen(configPath, "w") else { throw SupervisorError("cannot write \(configPath)") }
        fputs(text, file)
        fclose(file)
    }

    deinit {
        for pid in running.values {
            Glibc.kill(pid, SIGKILL)
            Spawn.wait(pid)
        }
    }

    /// Starts the supervisor of `slot`; with static membership its identity is the slot's Pod name, so a restart
    /// of the slot comes back as the same member.
    func start(_ slot: Int) throws {
        let log = directory + "/supervisor-\(slot)-\(logs.count).log"
        var environment = ["PATH=/usr/bin:/bin"]
        if staticMembership { environment += ["POD_NAMESPACE=bench", "POD_NAME=supervisor-\(slot)"] }
        let output = O_WRONLY | O_CREAT | O_APPEND
        let options = Spawn.Options(fileActions: [
            .open(1, path: log, flags: output, mode: 0o644), .open(2, path: log, flags: output, mode: 0o644),
            .open(0, path: "/dev/null", flags: O_RDONLY),
        ])
        let argv = [Benchmark.binDirectory + "/k8s-worker", "run", "--config", configPath]
        guard case .success(let pid) = Spawn.start(argv, environment: environment, options: options) else {
            throw SupervisorError("cannot start \(argv[0])")
        }
        running[slot] = pid
        exited.remove(slot)
        logs.append((slot, log))
    }

    func signal(_ slot: Int, _ number: Int32) {
        if let pid = running[slot] { Glibc.kill(pid, number) }
    }

    /// SIGKILL, recorded as the moment the slot stopped owning anything.
    func kill(_ slot: Int) {
        signal(slot, SIGKILL)
        departures.append((slot, ScaleOutTraffic.now()))
    }

    /// Whether the slot's process has exited (reaping it).
    func hasExited(_ slot: Int) -> Bool {
        if let pid = running[slot] {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                running[slot] = nil
                exited.insert(slot)
                departures.append((slot, ScaleOutTraffic.now()))
            }
        }
        return exited.contains(slot)
    }

    func waitForExit(_ slot: Int, seconds: Double) -> Bool {
        let deadline = ScaleOutTraffic.now() + seconds
        while !hasExited(slot) {
            if ScaleOutTraffic.now() >= deadline { return false }
            pause(seconds: 0.05)
        }
        return true
    }

    /// SIGTERM to every supervisor, then waits for all (SIGKILL after 60 s).
    func stopAll() {
        for slot in running.keys { signal(slot, SIGTERM) }
        for slot in Array(running.keys) where !waitForExit(slot, seconds: 60) {
            signal(slot, SIGKILL)
            _ = waitForExit(slot, seconds: 10)
        }
    }

    func pause(seconds: Double) {
        var time = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        nanosleep(&time, nil)
    }

    /// The ownership timeline from every log written so far, the kills and the exits.
    func timeline() -> ScaleOutTimeline {
        var timeline = ScaleOutTimeline()
        for log in logs { timeline.read(log: ResidentMemory.readAll(log.path) ?? "", supervisor: log.slot) }
        for departure in departures {
            timeline.changes.append(
                .init(time: departure.time, supervisor: departure.slot, assigned: false, partitions: nil))
        }
        timeline.changes.sort { $0.time < $1.time }
        return timeline
    }

    /// Waits until `settled` holds for the current owners and no ownership changed for three seconds, and at least
    /// `minimum` seconds have passed; returns when that was reached (the end of the phase), or nil after `bound`.
    func waitForPhase(minimum: Double, bound: Double, until settled: ([Int32: Int]) -> Bool) -> Double? {
        let start = ScaleOutTraffic.now()
        while ScaleOutTraffic.now() < start + bound {
            pause(seconds: 0.25)
            let now = ScaleOutTraffic.now()
            let timeline = timeline()
            let quiet = (timeline.changes.last?.time ?? 0) < now - 3
            if quiet && now >= start + minimum && settled(timeline.owners(at: now)) { return now }
        }
        return nil
    }
}
