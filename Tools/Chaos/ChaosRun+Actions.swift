import Demo
import Glibc
import KafkaClient
import KubeSimulator

extension ChaosRun {
    /// Carries out one scheduled action.
    func execute(_ action: ChaosAction) throws(ChaosError) {
        guard let environment else { return }
        switch action {
        case .killWorker(let pick):
            let workers = supervisor?.workers() ?? []
            guard !workers.isEmpty else {
                tally.workerKillsSkipped += 1
                return
            }
            _ = kill(workers[Int(pick % UInt64(workers.count))], SIGKILL)
            tally.workerKills += 1
        case .resize(let workers):
            try configFile?.write(workers: workers)
            supervisor?.signal(SIGHUP)
            tally.workerCounts.append(workers)
        case .killSupervisor:
            try killSupervisor()
        case .brokerFault(let fault):
            try inject(fault, cluster: environment.cluster)
            tally.brokerFaults[Self.kind(of: fault), default: 0] += 1
        case .brokerRecovery(let fault):
            try recover(from: fault, cluster: environment.cluster)
        case .apiFaults(let level):
            environment.simulator.setFaults(level.configuration)
            tally.apiFaultWindows += 1
        case .apiFaultsOff:
            environment.simulator.resetFaults()
        }
    }

    private func inject(_ fault: BrokerFault, cluster: KafkaMockCluster) throws(ChaosError) {
        do throws(KafkaError) {
            switch fault {
            case .down(let broker): try cluster.setBrokerDown(broker)
            case .allDown: try cluster.setBrokerDown(nil)
            case .slow(let broker, let milliseconds):
                try cluster.setBrokerRoundTripTime(.milliseconds(milliseconds), brokerID: broker)
            case .leaderMove(let topic, let partition, let broker):
                try cluster.setPartitionLeader(topic: topic, partition: partition, brokerID: broker)
            case .requestErrors(let api, let codes): try cluster.pushRequestErrors(codes, for: api)
            }
        } catch {
            throw ChaosError("injecting \(fault): \(error)")
        }
    }

    private func recover(from fault: BrokerFault, cluster: KafkaMockCluster) throws(ChaosError) {
        do throws(KafkaError) {
            switch fault {
            case .down(let broker): try cluster.setBrokerUp(broker)
            case .allDown: try cluster.setBrokerUp(nil)
            case .slow(let broker, _): try cluster.setBrokerRoundTripTime(.zero, brokerID: broker)
            case .leaderMove, .requestErrors: break
            }
        } catch {
            throw ChaosError("ending \(fault): \(error)")
        }
    }

    /// Ends every fault: brokers up and fast, queued request errors dropped, API faults off.
    func liftFaults() throws(ChaosError) {
        guard let environment else { return }
        do throws(KafkaError) {
            try environment.cluster.setBrokerUp(nil)
            try environment.cluster.setBrokerRoundTripTime(.zero, brokerID: nil)
        } catch {
            throw ChaosError("lifting broker faults: \(error)")
        }
        for (api, _) in BrokerFault.requestErrorMenu { environment.cluster.clearRequestErrors(for: api) }
        environment.simulator.resetFaults()
    }

    static func kind(of fault: BrokerFault) -> String {
        switch fault {
        case .down: "broker down"
        case .allDown: "all brokers down"
        case .slow: "slow broker"
        case .leaderMove: "leader move"
        case .requestErrors(let api, _): "\(BrokerFault.name(of: api)) errors"
        }
    }

    // MARK: Supervisors

    func startSupervisor() throws(ChaosError) {
        guard let configFile else { return }
        let generation = (supervisor?.generation ?? 0) + 1
        let started = try ChaosSupervisor(
            binDirectory: settings.binDirectory, configPath: configFile.path,
            logPath: directory + "/supervisor-\(generation).log", generation: generation)
        supervisor = started
        freezer.target(started.pid)
    }

    /// SIGKILL, then — with no supervisor running — a sample of the committed offsets, then a new supervisor.
    private func killSupervisor() throws(ChaosError) {
        guard let supervisor, let sampler else { return }
        freezer.target(0)
        supervisor.signal(SIGKILL)
        guard supervisor.waitForExit(until: ChaosClock.now() + 10) != nil else {
            throw ChaosError("supervisor \(supervisor.generation) survived SIGKILL for 10 s")
        }
        tally.supervisorKills += 1
        if sampler.sample(label: ChaosLedger.killLabel, until: ChaosClock.now() + 10) == nil {
            problems.append("no committed offsets could be read after the supervisor SIGKILL")
        }
        try startSupervisor()
    }

    /// A supervisor that exited on its own is a product failure: recorded, and replaced so the run goes on.
    func replaceSupervisorIfItExited() throws(ChaosError) {
        guard let supervisor, let code = supervisor.waitForExit(until: 0) else { return }
        freezer.target(0)
        tally.unexpectedExits += 1
        problems.append(
            "supervisor \(supervisor.generation) exited on its own with code \(code); see supervisor-\(supervisor.generation).log"
        )
        try startSupervisor()
    }

    /// SIGTERM and wait (drain, commit, exit 0); returns the exit code, `nil` if it had to be killed.
    func stopSupervisor() -> Int32? {
        guard let supervisor else { return nil }
        freezer.target(0)
        supervisor.signal(SIGTERM)
        let code = supervisor.waitForExit(until: ChaosClock.now() + 30)
        if code == nil { supervisor.signal(SIGKILL) }
        return code
    }

    // MARK: Progress

    func progressLine(elapsed: Double) -> String {
        let (produced, answered) = ledger.withLock { ledger in
            (ledger.commands.count, ledger.events.count { $0.key.eventType == ChaosLedger.createEvents[1] })
        }
        return
            "chaos \(ChaosVerdict.seconds(elapsed)): produced \(produced)/\(settings.commandCount), creates answered \(answered), "
            + "supervisor \(supervisor?.generation ?? 0) with \(supervisor?.workers().count ?? 0) workers, "
            + "worker SIGKILLs \(tally.workerKills), resizes \(tally.workerCounts.count - 1), "
            + "broker faults \(tally.brokerFaults.values.reduce(0, +)), API fault windows \(tally.apiFaultWindows)"
    }
}
