import Glibc
import Platform
import IPC
import Logging
import Systemd

/// The supervisor: one thread, one epoll loop, owning the worker pool, the dispatch ledger, the command
/// source, signals and systemd notifications.
///
/// Policy lives in ``WorkerPool`` and ``DispatchLedger`` (pure); this type performs their actions: it spawns
/// and kills processes, moves frames, and talks to the source and to systemd. Nothing here blocks except
/// `epoll_wait` itself (and the source's final commit at exit).
public final class Supervisor: SourceControl {
    /// A live worker process and its connection.
    struct WorkerProcess {
        var id: WorkerID
        var pid: pid_t
        var connection: FrameConnection?
        var handshaken = false
        var capacity = 1
        var watchingWritable = false
    }

    /// Where the supervisor is in its life.
    enum State: Equatable {
        case running
        /// Draining after SIGTERM; past `deadline` workers get SIGTERM, past `killAt` SIGKILL.
        case draining(deadline: Instant, killAt: Instant?)
        case finished
    }

    var configuration: Configuration
    let loader: ConfigurationLoader
    var logger: Logger
    let notifier: SystemdNotifier
    let source: any CommandSource
    let launcher: WorkerLauncher
    let reactor: SupervisorReactor
    let signals: SignalPipe
    var pool: WorkerPool
    var ledger: DispatchLedger
    var processes: [WorkerID: WorkerProcess] = [:]
    var pids: [pid_t: WorkerID] = [:]
    var state: State = .running
    var nextCommandID: UInt64 = 1
    var nextPing: UInt64 = 1
    var randomState: UInt64

    // Reporting.
    var announcedReady = false
    var pendingReload: Instant?
    var reloadProblem: String?
    var lastStatus = ""
    var lastStatusAt: Instant?
    var lastWatchdog: Instant?
    var lastExtend: Instant?
    /// Set by the first stop signal: when the stop must be over, whatever is left.
    var hardStop: Instant?
    /// A second stop signal went straight to the final commit.
    var stopCutShort = false
    /// The exit status of a stop the source's fatal failure caused (``CommandSource/fatalFailure``).
    var failureStatus: Int32?
    var counters = Counters()
    /// What the workers reported (Kubernetes API and upstream's pod metrics).
    var workerStatistics = WorkerStatisticsTotals()
    /// The `/metrics`, `/healthz`, `/readyz` endpoint, when `metrics.listen` is set.
    var httpServer: HTTPServer?
    /// Called on the supervisor's thread with the bound `address:port` once the metrics endpoint listens (useful
    /// with port 0).
    public var onMetricsListening: ((String) -> Void)?
    /// For `k8s_worker_build_info`.
    let version: String
    /// Wall-clock start, seconds since the epoch, for `process_start_time_seconds`.
    let startTime: Double
    /// When the pool policy next needs a tick; reset to "now" by anything that changes the pool.
    var poolDue = Instant(nanoseconds: 0)
    /// Set by SIGCHLD (and periodically) so `waitpid` runs only when a child may have exited.
    var reapDue = true
    var lastReap = Instant(nanoseconds: 0)
    /// Bumped by every event that can change the status line, so it is rebuilt only when it may differ.
    var statusVersion = 0
    var statusVersionSent = -1

    let handlerSettings: (Configuration) -> [UInt8]
    /// What runs beside the loop (the image pre-puller).
    let companions: [any SupervisorCompanion]

    /// Totals shown in STATUS and logs.
    struct Counters {
        var done = 0
        var failed = 0
        var quarantined = 0
        /// "Retry later" answers: commands sent back to wait for a transient fault to pass.
        var deferred = 0
        var orphansReaped = 0
    }

    /// Builds a supervisor. Nothing starts until ``run()``.
    ///
    /// - Parameters:
    ///   - handlerSettings: the settings each new worker receives in its welcome, from the configuration in force
    ///     when it starts (the `kubernetes` section for the Kubernetes handler).
    ///   - version: the build's version, for `k8s_worker_build_info`.
    ///   - companions: work beside the loop, told of reloads and stopped at the end of ``run()``.
    ///   - workerDescriptors: descriptors every worker inherits, as 4, 5, … (the shared API rate-limit page);
    ///     they stay open here as long as the caller keeps them.
    public init(
        configuration: Configuration, loader: ConfigurationLoader, source: any CommandSource, logger: Logger,
        notifier: SystemdNotifier = SystemdNotifier(),
        handlerSettings: @escaping (Configuration) -> [UInt8] = { _ in [] },
        version: String = "unknown", companions: [any SupervisorCompanion] = [], workerDescriptors: [Int32] = []
    ) throws(SupervisorError) {
        self.handlerSettings = handlerSettings
        self.companions = companions
        self.version = version
        var wallClock = timespec()
        clock_gettime(CLOCK_REALTIME, &wallClock)
        startTime = Double(wallClock.tv_sec) + Double(wallClock.tv_nsec / 1_000_000) / 1000
        self.configuration = configuration
        self.loader = loader
        self.source = source
        self.logger = logger
        self.notifier = notifier
        let executable =
            configuration.workers.executable.isEmpty
            ? WorkerLauncher.defaultExecutable() : configuration.workers.executable
        var workerEnvironment = loader.environment
        workerEnvironment["K8S_WORKER_LOG_LEVEL"] = configuration.log.level
        workerEnvironment["K8S_WORKER_LOG_FORMAT"] = configuration.log.format.rawValue
        launcher = WorkerLauncher(
            executable: executable, environment: workerEnvironment, inherited: workerDescriptors)
        // Handlers first: a SIGTERM that arrives during start-up must already mean "drain".
        signals = try SignalPipe()
        reactor = try SupervisorReactor()
        let now = Instant.now()
        pool = WorkerPool(settings: configuration.workers, restart: configuration.restart, now: now)
        ledger = DispatchLedger(quarantineAfter: configuration.workers.quarantineAfter)
        randomState = now.nanoseconds | 1
    }

    /// Runs until shut down. Returns the process exit code.
    public func run() throws(SupervisorError) -> Int32 {
        if getpid() == 1 {
            logger.info("running as PID 1: orphaned processes will be reaped")
        }
        try reactor.add(signals.readEnd, .signals)
        try source.start(logger: logger, control: self)
        for fd in source.descriptors { try reactor.add(fd, .source) }
        try startHTTPServer()
        logger.info(
            "supervisor started",
            metadata: [
                "workers": "\(configuration.workers.count)", "handler": "\(configuration.workers.handler)",
                "worker_executable": "\(launcher.executable)",
            ])
        while state != .finished {
            let now = Instant.now()
            step(now: now)
            if state == .finished { break }
            let events = reactor.wait(timeout: nextWakeup(after: now).map { $0.since(Instant.now()) })
            handle(events)
        }
        httpServer?.close()
        httpServer = nil
        for companion in companions { companion.stop() }
        // Whatever is unpublished now stays uncommitted: the stop did not finish its work.
        let complete = source.isSettled
        let now = Instant.now()
        let stopBy = hardStop ?? now + configuration.shutdown.finalTimeout
        source.close(deadline: stopCutShort ? min(stopBy, now + Configuration.Shutdown.commitReserve) : stopBy)
        logger.log(
            level: complete ? .info : .error,
            complete ? "supervisor stopped" : "supervisor stopped with records unpublished",
            metadata: [
                "done": "\(counters.done)", "failed": "\(counters.failed)",
                "queued_not_started": "\(ledger.queuedCount)",
            ])
        if let failureStatus { return failureStatus }
        return complete ? 0 : Self.unfinishedStopStatus
    }

    /// The exit status of a stop that ended with events or dead letters unpublished (the hard deadline passed,
    /// or a second signal cut the stop short): their commands stay uncommitted and are redone by the next owner.
    public static let unfinishedStopStatus: Int32 = 1

    /// One turn of the loop after waking: policy, intake, dispatch, deadlines, output, reporting.
    func step(now: Instant) {
        if reapDue || now.since(lastReap) >= .seconds(1) {
            reapDue = false
            lastReap = now
            reap(now: now)
        }
        if now >= poolDue {
            for action in pool.tick(now: now) { perform(action, now: now) }
            poolDue = pool.nextDeadline() ?? now + .seconds(1)
        }
        killOverdue(now: now)
        httpServer?.expire(now: now)
        ledger.promoteDeferred(now: now)
        source.tick(now: now)
        intake(now: now)
        dispatch(now: now)
        progressShutdown(now: now)
        flushAll()
        report(now: now)
    }

    func handle(_ events: [SupervisorReactor.Event]) {
        let now = Instant.now()
        for event in events {
            switch event.token {
            case .signals:
                for number in signals.drain() { handleSignal(number, now: now) }
            case .source:
                break  // the source is read in `intake` on every turn
            case .worker(let id):
                if event.writable { flush(id) }
                if event.readable { receive(from: id, now: now) }
            case .httpListener:
                httpServer?.acceptAll(now: now) { respond(to: $0, now: now) }
            case .http(let id):
                httpServer?.handle(id, now: now) { respond(to: $0, now: now) }
            }
        }
    }

    /// Reads new commands while there is room.
    func intake(now: Instant) {
        guard state == .running else { return }
        if let failure = source.fatalFailure {
            logger.critical("\(failure.reason)", metadata: ["exit_status": "\(failure.exitStatus)"])
            failureStatus = failure.exitStatus
            beginShutdown(now: now, signal: 0, cause: "fatal source failure")
            return
        }
        if source.isExhausted && ledger.count == 0 {
            logger.info("input exhausted and every command finished")
            beginShutdown(now: now, signal: 0)
            return
        }
        let room = configuration.dispatch.maxInFlight - ledger.count
        guard room > 0 else { return }
        for command in source.fetch(max: room, now: now) {
            statusVersion &+= 1
            let id = CommandID(nextCommandID)
            nextCommandID += 1
            ledger.add(
                id: id, key: command.key, payload: command.payload, origin: command.origin, context: command.logContext,
                issuedAtMilliseconds: command.issuedAtMilliseconds)
        }
    }

    /// Hands dispatchable commands to the least-loaded ready workers.
    func dispatch(now: Instant) {
        guard state == .running, ledger.hasDispatchable else { return }
        // What a worker holds is the ledger's to know (one count, moved by dispatch, results and losses alike).
        var candidates = pool.readyWorkers.compactMap { processes[$0] }.filter {
            $0.handshaken && ledger.heldCount(by: $0.id) < $0.capacity
        }
        while ledger.hasDispatchable, !candidates.isEmpty {
            // Least loaded first; ties go to the lowest id, which keeps dispatch deterministic.
            let index =
                candidates.indices.min {
                    ledger.heldCount(by: candidates[$0].id) < ledger.heldCount(by: candidates[$1].id)
                } ?? 0
            let id = candidates[index].id
            guard let entry = ledger.dispatchNext(to: id, at: now) else {
                candidates.remove(at: index)  // nothing this worker may take now (isolation of suspects)
                continue
            }
            let deadline = UInt32(clamping: configuration.workers.commandDeadline.nanosecondsClamped / 1_000_000)
            let command = DispatchedCommand(
                id: entry.id.rawValue, attempt: entry.attempts, deadlineMilliseconds: deadline, key: entry.key,
                payload: entry.payload, logContext: entry.context, expiresAtMilliseconds: expiry(of: entry) ?? 0,
                maxCreateAttempts: UInt32(clamping: configuration.workers.maxCreateAttempts),
                createAttempts: entry.createAttempts)
            logger.debug(
                "command dispatched",
                metadata: commandMetadata(entry, worker: id).merging(["attempt": "\(entry.attempts)"]) { $1 })
            processes[id]?.connection?.enqueue(SupervisorMessage.dispatch(command).frame())
            if ledger.heldCount(by: id) >= candidates[index].capacity { candidates.remove(at: index) }
        }
    }

    /// Kills workers holding a command past its deadline plus the kill grace: they are wedged.
    /// Something changed the pool: plan again on this turn.
    func poolChanged() {
        poolDue = Instant(nanoseconds: 0)
        statusVersion &+= 1
    }

    func killOverdue(now: Instant) {
        let limit = configuration.workers.commandDeadline + configuration.shutdown.killGrace
        guard let oldest = ledger.oldestDispatch, now.since(oldest) > limit else { return }
        let cutoff = now - limit
        for (worker, command) in ledger.overdue(dispatchedBefore: cutoff) {
            workerGone(
                worker, reason: "command \(command) exceeded its deadline of \(configuration.workers.commandDeadline)",
                kill: true, now: now)
        }
    }

    /// When the loop must wake up even if no descriptor becomes ready.
    func nextWakeup(after now: Instant) -> Instant? {
        var candidates: [Instant] = [poolDue, lastReap + .seconds(1)]
        if let deadline = source.nextDeadline(now: now) { candidates.append(deadline) }
        if let deadline = httpServer?.nextDeadline { candidates.append(deadline) }
        if let retry = ledger.nextDeferredRetry { candidates.append(retry) }
        if let oldest = ledger.oldestDispatch {
            candidates.append(oldest + configuration.workers.commandDeadline + configuration.shutdown.killGrace)
        }
        if case .draining(let deadline, let killAt) = state { candidates.append(killAt ?? deadline) }
        if let interval = notifier.watchdogInterval { candidates.append((lastWatchdog ?? now) + interval) }
        if statusVersion != statusVersionSent { candidates.append((lastStatusAt ?? now) + Self.statusInterval) }
        candidates.append((lastStatusAt ?? now) + Self.statusRefresh)
        if pendingReload != nil || state != .running { candidates.append(now + .milliseconds(250)) }
        if notifier.hasPending { candidates.append(now + .milliseconds(50)) }
        return candidates.min().map { max($0, now) }
    }

    public func withdrawQueued(where predicate: (CommandOrigin) -> Bool) -> [CommandOrigin] {
        let withdrawn = ledger.withdrawQueued(where: predicate)
        if !withdrawn.isEmpty { statusVersion &+= 1 }
        return withdrawn.map(\.origin)
    }

    public func openCount(where predicate: (CommandOrigin) -> Bool) -> Int { ledger.openCount(where: predicate) }

    /// When `entry` expires, in milliseconds since the Unix epoch: its own timestamp plus `workers.max_command_age`
    /// as configured now (a reload applies to commands already accepted); `nil` for a command without a timestamp.
    func expiry(of entry: DispatchLedger.Entry) -> UInt64? {
        guard let issued = entry.issuedAtMilliseconds else { return nil }
        let age = UInt64(clamping: configuration.workers.maxCommandAge.nanosecondsClamped / 1_000_000)
        let (sum, overflow) = issued.addingReportingOverflow(age)
        return overflow ? .max : max(1, sum)
    }

    /// The wall clock in milliseconds since the Unix epoch.
    static func wallClockMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(max(0, now.tv_sec)) * 1000 + UInt64(max(0, now.tv_nsec)) / 1_000_000
    }

    /// How long a command waits after its `deferrals`-th "retry later": doubling from the initial backoff up to
    /// the maximum, scaled by a random factor in [0.5, 1) so commands deferred together do not return together.
    func retryDelay(deferrals: UInt32) -> Duration {
        let initial = configuration.dispatch.retryInitialBackoff
        let ceiling = configuration.dispatch.retryMaxBackoff
        let doublings = min(Int(deferrals) - 1, 20)
        let grown = doublings > 0 ? initial * (1 << doublings) : initial
        return min(grown, ceiling) * (0.5 + nextJitter() / 2)
    }

    /// A uniformly distributed number in 0..<1 (xorshift; only used to spread restarts).
    func nextJitter() -> Double {
        randomState ^= randomState << 13
        randomState ^= randomState >> 7
        randomState ^= randomState << 17
        return Double(randomState >> 11) / Double(1 << 53)
    }
}
