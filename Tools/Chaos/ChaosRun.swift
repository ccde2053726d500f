import Demo
import Events
import Glibc
import KafkaClient
import KubeSimulator
import Platform

/// One chaos run: the mock Kafka cluster and the Kubernetes API simulator in this process, the real supervisor
/// and worker binaries as child processes, a command stream from the seed, and the fault schedule from the
/// seed. When the schedule ends every fault is lifted, the system drains, the supervisor is stopped with
/// SIGTERM, and the invariants are checked (``ChaosVerdict``).
///
/// ``run()`` blocks its thread for the whole run (call it from a thread of your own, or use
/// ``runDetached(settings:output:)``).
public final class ChaosRun {
    let settings: ChaosSettings
    let output: @Sendable (String) -> Void
    let ledger = SharedLedger()
    let freezer = SupervisorFreezer()
    var tally = FaultTally()
    /// Problems seen outside the ledger (a supervisor that exited on its own, a failed drain).
    var problems: [String] = []

    // Set up by run().
    var environment: DemoEnvironment?
    var sampler: CommitSampler?
    var configFile: SupervisorConfigFile?
    var supervisor: ChaosSupervisor?
    var directory = ""
    var started = 0.0

    /// A run with `settings`, printing progress and the report through `output` (one line or block per call).
    public init(settings: ChaosSettings, output: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.output = output
    }

    /// The topics of the run and their partitions.
    static let commandTopic = (name: "saga_commands", partitions: 6)
    static let eventTopics: [(name: String, partitions: Int)] = [
        ("pod_events", 3), ("execution_events", 3), ("saga_commands.dlq", 1),
    ]
    static let brokers: Int32 = 3

    /// A run with `settings` on a thread of its own (off Swift's cooperative pool); returns its report.
    public static func runDetached(
        settings: ChaosSettings, output: @escaping @Sendable (String) -> Void
    ) async throws(ChaosError) -> ChaosReport {
        let result: Result<ChaosReport, ChaosError> = await withCheckedContinuation { continuation in
            do {
                let thread = try PlatformThread.start {
                    do throws(ChaosError) {
                        continuation.resume(returning: .success(try ChaosRun(settings: settings, output: output).run()))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
                thread.detach()
            } catch {
                continuation.resume(returning: .failure(ChaosError("cannot start the chaos thread: \(error)")))
            }
        }
        return try result.get()
    }

    /// Runs, blocking the calling thread, and returns the report.
    public func run() throws(ChaosError) -> ChaosReport {
        started = ChaosClock.now()
        let environment: DemoEnvironment
        do {
            // The collector lags a quarter second behind each owner's removal, twice (decision, then uid-only
            // delete), so redeliveries meet ConfigMaps it is about to take (README, Chaos test).
            environment = try DemoEnvironment(brokers: Int(Self.brokers), garbageCollectionDelay: .milliseconds(250))
        } catch {
            throw ChaosError("\(error)")
        }
        self.environment = environment
        directory = environment.directory
        // Kept when asked, when an invariant failed, and when the run itself could not be carried out.
        var keepFiles = true
        defer {
            supervisor = nil
            sampler = nil
            environment.shutdown(keepingFiles: keepFiles)
        }
        let schedule = ChaosSchedule(
            settings: settings, brokers: Self.brokers, topics: [Self.commandTopic] + Self.eventTopics)
        output(
            "chaos: seed \(settings.seed) (\(ChaosSettings.seedVariable)=\(settings.seed) repeats it): \(settings.commandCount) commands "
                + "over \(ChaosVerdict.seconds(settings.duration.seconds)) at \(settings.commandsPerSecond)/s; \(schedule.summary); "
                + "files in \(directory)")
        let configFile = SupervisorConfigFile(
            path: directory + "/config.yaml", bootstrapServers: environment.bootstrap,
            kubeconfigPath: environment.kubeconfigPath,
            namespace: DemoEnvironment.namespace, concurrency: settings.concurrency, logLevel: settings.logLevel)
        try configFile.write(workers: settings.initialWorkers)
        self.configFile = configFile
        tally.workerCounts = [settings.initialWorkers]
        let sampler = CommitSampler(
            bootstrapServers: environment.cluster.bootstrapServers, group: "k8s-worker",
            topics: CommitSampler.Topics(command: Self.commandTopic, events: Self.eventTopics),
            interval: settings.sampleInterval,
            ledger: ledger, freezer: freezer, simulator: environment.simulator, namespace: DemoEnvironment.namespace,
            started: started)
        try sampler.start()
        self.sampler = sampler
        defer { sampler.stop() }
        try startSupervisor()

        let stream = ChaosCommandStream(
            seed: settings.seed, deleteFraction: settings.deleteFraction, minimumAge: settings.deleteMinimumAge,
            now: { Timestamp(secondsSinceEpoch: Int64(time(nil))) ?? .epoch })
        let traffic = ChaosTraffic(
            settings: ChaosTraffic.Settings(
                bootstrapServers: environment.cluster.bootstrapServers, observedTopics: Self.eventTopics,
                commands: settings.commandCount, commandsPerSecond: settings.commandsPerSecond, stream: stream),
            ledger: ledger)
        try traffic.start()
        defer { traffic.stop() }

        let chaosStart = ChaosClock.now()
        try runSchedule(schedule, from: chaosStart, traffic: traffic)
        try liftFaults()
        let chaosEnded = ChaosClock.now()
        output("chaos: faults lifted after \(ChaosVerdict.seconds(chaosEnded - chaosStart)); draining")
        let drained = try drain(traffic: traffic, until: chaosEnded + settings.drainTimeout.seconds)
        if !drained {
            problems.append(
                "the system did not drain within \(ChaosVerdict.seconds(settings.drainTimeout.seconds)): \(drainState() ?? "nothing")"
            )
        }
        let drainEnded = ChaosClock.now()

        // Stop the supervisor the way systemd does, then take the final readings.
        let stopped = stopSupervisor()
        let final = finalReadings()
        traffic.stop()
        sampler.stop()
        let skipped = sampler.skipped
        tally.samplesSkipped = skipped.count
        tally.sampleError = skipped.lastError
        tally.freezes = sampler.freezes
        if let failed = traffic.failed { problems.append("traffic: \(failed)") }
        if let failed = sampler.failed { problems.append("sampler: \(failed)") }
        let verdict = ChaosVerdict(
            ledger: ledger.withLock { $0 },
            cluster: ClusterSnapshot(simulator: environment.simulator, namespace: DemoEnvironment.namespace),
            committed: final.committed, ends: final.ends)
        // The worker runs under deploy/kubernetes/rbac.yaml: a 403 means the shipped file lacks a permission.
        let denials = environment.simulator.authorizationDenials()
        if !denials.isEmpty {
            problems.append(
                "rbac.yaml lacks permissions the worker used: "
                    + denials.prefix(5).map(\.description).joined(separator: "; "))
        }
        if let stopped, stopped != 0 { problems.append("the supervisor exited with code \(stopped) after SIGTERM") }
        if stopped == nil { problems.append("the supervisor did not exit within 30 s of SIGTERM") }
        let report = ChaosReport(
            settings: settings, verdict: verdict, tally: tally, apiFaults: environment.simulator.counters.faults,
            problems: problems,
            timings: .init(
                chaos: chaosEnded - chaosStart, drain: drainEnded - chaosEnded, total: ChaosClock.now() - started),
            directory: directory)
        keepFiles = settings.keepFiles || !report.passed
        return report
    }

    /// Executes the schedule's actions when due, samples the committed offsets, prints progress.
    private func runSchedule(_ schedule: ChaosSchedule, from start: Double, traffic: ChaosTraffic) throws(ChaosError) {
        let end = start + settings.duration.seconds
        var next = 0
        let progressEvery = settings.progressInterval.seconds
        var nextProgress = progressEvery > 0 ? start + progressEvery : .infinity
        while ChaosClock.now() < end {
            if let failed = traffic.failed { throw ChaosError("traffic: \(failed)") }
            freezer.thawIfFrozen(longerThan: CommitSampler.promptness)
            try replaceSupervisorIfItExited()
            while next < schedule.entries.count, ChaosClock.now() >= start + schedule.entries[next].at {
                try execute(schedule.entries[next].action)
                next += 1
            }
            let now = ChaosClock.now()
            if now >= nextProgress {
                output(progressLine(elapsed: now - start))
                nextProgress = now + progressEvery
            }
            let due = min(next < schedule.entries.count ? start + schedule.entries[next].at : end, nextProgress, end)
            // Wake at the next due action, and at least every 100 ms to notice a supervisor that died or stays frozen.
            ChaosClock.sleep(seconds: min(max(0, due - ChaosClock.now()), 0.1))
        }
    }

    /// Waits until every command is produced and answered, the cluster converged, every offset committed and
    /// every published record read; keeps sampling meanwhile. Returns whether it got there by `deadline`.
    private func drain(traffic: ChaosTraffic, until deadline: Double) throws(ChaosError) -> Bool {
        while ChaosClock.now() < deadline {
            if let failed = traffic.failed { throw ChaosError("traffic: \(failed)") }
            freezer.thawIfFrozen(longerThan: CommitSampler.promptness)
            try replaceSupervisorIfItExited()
            if drainState() == nil { return true }
            ChaosClock.sleep(seconds: 0.25)
        }
        return drainState() == nil
    }

    /// What the drain still waits for, or `nil` when nothing.
    func drainState() -> String? {
        let (produced, undelivered, missing, expectedPods, deletes, observed) = ledger.withLock { ledger in
            (
                ledger.commands.count, ledger.undelivered, ledger.missingEvents(limit: 1).first,
                ledger.commands.count { $0.kind == .create } - ledger.deletedCreates.count, ledger.deletedExecutionIDs,
                ledger.observedEnd
            )
        }
        if produced < settings.commandCount { return "produced \(produced) of \(settings.commandCount) commands" }
        if undelivered > 0 { return "\(undelivered) commands without a delivery report" }
        if let missing { return "events missing, e.g. \(missing)" }
        guard let environment, let sampler else { return "not started" }
        let cluster = ClusterSnapshot(simulator: environment.simulator, namespace: DemoEnvironment.namespace)
        if cluster.pods.count != expectedPods || cluster.configMaps.count != expectedPods
            || cluster.pods.values.contains(where: \.terminating)
        {
            return
                "cluster holds \(cluster.pods.count) Pods and \(cluster.configMaps.count) ConfigMaps, expected \(expectedPods) each"
        }
        if !ClusterSnapshot.livePods(
            of: deletes, simulator: environment.simulator, namespace: DemoEnvironment.namespace
        ).isEmpty {
            return "deleted executions still have Pods"
        }
        guard let reading = sampler.latest else { return "no committed offsets read yet" }
        if let problem = Self.unsettled(reading, observed: observed) { return problem }
        return nil
    }

    /// Where a reading shows unfinished business: a partition not committed to its end, or published records the
    /// observer has not read yet.
    static func unsettled(_ reading: CommitSampler.Reading, observed: [String: [Int32: Int64]]) -> String? {
        for (partition, end) in reading.watermarks[commandTopic.name] ?? [:]
        where reading.committed[partition, default: 0] != end {
            return
                "partition \(partition) committed \(reading.committed[partition].map(String.init) ?? "none") of \(end)"
        }
        for topic in eventTopics {
            for (partition, mark) in reading.watermarks[topic.name] ?? [:]
            where observed[topic.name]?[partition] ?? 0 < mark {
                return "\(topic.name)[\(partition)] read up to \(observed[topic.name]?[partition] ?? 0) of \(mark)"
            }
        }
        return nil
    }

    /// The committed offsets and ends once the supervisor stopped, after the observer read everything.
    private func finalReadings() -> (committed: [Int32: Int64], ends: [Int32: Int64]) {
        let deadline = ChaosClock.now() + 15
        while ChaosClock.now() < deadline, let sampler {
            if let reading = sampler.sample(label: "after SIGTERM", until: deadline) {
                let observed = ledger.withLock { $0.observedEnd }
                let behind = Self.eventTopics.contains { topic in
                    (reading.watermarks[topic.name] ?? [:]).contains { observed[topic.name]?[$0.key] ?? 0 < $0.value }
                }
                if !behind { return (reading.committed, reading.watermarks[Self.commandTopic.name] ?? [:]) }
            }
            ChaosClock.sleep(seconds: 0.1)
        }
        problems.append("could not read the final offsets, or the observer did not catch up, within 15 s")
        return ([:], [:])
    }
}
