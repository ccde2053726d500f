import Glibc
import Platform
import IPC
import Logging

extension Supervisor {
    static let statusInterval: Duration = .milliseconds(500)
    static let statusRefresh: Duration = .seconds(2)

    func handleSignal(_ number: Int32, now: Instant) {
        switch number {
        case SIGHUP:
            reload(now: now)
        case SIGTERM, SIGINT, SIGQUIT:
            beginShutdown(now: now, signal: number)
        case SIGCHLD:
            reapDue = true
        default:
            break
        }
    }

    /// SIGHUP: re-read the configuration; apply it if valid, keep the old one otherwise.
    func reload(now: Instant) {
        guard state == .running else { return }
        notifier.reloading(status: "reloading configuration")
        let fresh: Configuration
        do {
            fresh = try loader.load()
        } catch {
            statusVersion &+= 1
            reloadProblem = "reload failed, previous configuration kept: \(error)"
            logger.error(
                "configuration reload failed; keeping the previous configuration", metadata: ["error": "\(error)"])
            notifier.ready(status: statusLine(now: now))
            return
        }
        reloadProblem = nil
        var applied = fresh
        var ignored: [String] = []
        for key in ConfigurationKeys.all where !key.reloadable && key.differs(fresh, configuration) {
            ignored.append(key.name)
            key.keep(&applied, configuration)
        }
        if !ignored.isEmpty {
            logger.warning(
                "changed keys that need a restart were not applied",
                metadata: ["keys": "\(ignored.joined(separator: ", "))"])
        }
        for warning in applied.warnings { logger.warning("configuration warning", metadata: ["warning": "\(warning)"]) }
        let previous = configuration
        configuration = applied
        if let level = LogLevelName.parse(applied.log.level) { logger.logLevel = level }
        pool.settings = applied.workers
        ledger.quarantineAfter = applied.workers.quarantineAfter
        poolChanged()
        let actions = pool.resize(to: applied.workers.count, now: now) { [ledger] id in ledger.heldCount(by: id) }
        for action in actions { perform(action, now: now) }
        for companion in companions { companion.reloaded(loaded: fresh, inForce: applied) }
        logger.info(
            "configuration reloaded",
            metadata: ["workers": "\(previous.workers.count) -> \(applied.workers.count)"])
        pendingReload = now
    }

    /// SIGTERM/SIGINT: stop taking work and drain, within one hard deadline (``Configuration/Shutdown/hardStopAfter``).
    /// A second one goes to the final commit at once, whatever phase the stop is in.
    func beginShutdown(now: Instant, signal: Int32, cause: String? = nil) {
        switch state {
        case .running:
            logger.info(
                "shutting down: draining in-flight work",
                metadata: [
                    "cause": "\(cause ?? (signal == 0 ? "input exhausted" : "signal \(signal)"))",
                    "in_flight": "\(ledger.inFlightCount)",
                    "drain_timeout": "\(configuration.shutdown.drainTimeout)",
                    "hard_deadline": "\(configuration.shutdown.hardStopAfter)",
                ])
            hardStop = now + configuration.shutdown.hardStopAfter
            state = .draining(deadline: now + configuration.shutdown.drainTimeout, killAt: nil)
            notifier.stopping(status: statusLine(now: now))
            poolChanged()
            for action in pool.beginShutdown() { perform(action, now: now) }
        case .draining:
            logger.warning(
                "second stop signal: killing the workers and going to the final commit",
                metadata: ["in_flight": "\(ledger.inFlightCount)", "source": "\(source.status)"])
            for process in processes.values where pids[process.pid] != nil { _ = kill(process.pid, SIGKILL) }
            stopCutShort = true
            state = .finished
        default:
            break
        }
    }

    /// While draining: finish when every worker is gone and the source has published everything; past the drain
    /// deadline, SIGTERM then SIGKILL the workers; at the hard deadline (less the final commit's share), stop
    /// waiting for anything.
    func progressShutdown(now: Instant) {
        guard case .draining(let deadline, let killAt) = state, let hardStop else { return }
        if processes.isEmpty && pids.isEmpty && source.isSettled {
            state = .finished
            return
        }
        if now >= hardStop - Configuration.Shutdown.commitReserve {
            logger.error(
                "stop deadline reached; going to the final commit with work unfinished",
                metadata: [
                    "workers_left": "\(processes.count)", "in_flight": "\(ledger.inFlightCount)",
                    "source": "\(source.status)",
                ])
            for process in processes.values where pids[process.pid] != nil { _ = kill(process.pid, SIGKILL) }
            state = .finished
            return
        }
        if let killAt {
            if now >= killAt {
                for process in processes.values where pids[process.pid] != nil { _ = kill(process.pid, SIGKILL) }
            }
        } else if now >= deadline {
            logger.warning(
                "drain deadline passed; stopping the remaining workers",
                metadata: ["in_flight": "\(ledger.inFlightCount)"])
            for process in processes.values where pids[process.pid] != nil { _ = kill(process.pid, SIGTERM) }
            state = .draining(deadline: deadline, killAt: now + configuration.shutdown.killGrace)
        }
        // Keep systemd's stop timeout ahead of a long drain, but never past the hard deadline.
        if lastExtend.map({ now.since($0) >= .seconds(5) }) ?? true {
            lastExtend = now
            notifier.extendTimeout(by: hardStop.since(now))
        }
    }

    /// READY, STATUS and WATCHDOG.
    func report(now: Instant) {
        notifier.flush()
        let minimum = min(configuration.workers.minReady, pool.targetSize)
        if !announcedReady, state == .running, pool.readyCount >= minimum {
            announcedReady = true
            notifier.ready(status: statusLine(now: now))
            logger.info("ready", metadata: ["workers_ready": "\(pool.readyCount)"])
        }
        if let started = pendingReload, state == .running,
            pool.readyCount >= pool.targetSize || now.since(started) > configuration.workers.handshakeTimeout
        {
            pendingReload = nil
            notifier.ready(status: statusLine(now: now))
        }
        // Rebuilt when something the supervisor knows changed, and at least every `statusRefresh` for what only the
        // source knows (partitions, lag, broker errors).
        let due = lastStatusAt.map { now.since($0) >= Self.statusInterval } ?? true
        let stale = lastStatusAt.map { now.since($0) >= Self.statusRefresh } ?? true
        if (statusVersion != statusVersionSent && due) || stale {
            statusVersionSent = statusVersion
            let status = statusLine(now: now)
            lastStatusAt = now
            if status != lastStatus {
                lastStatus = status
                notifier.status(status)
            }
        }
        // The loop reaching this point is the progress the watchdog certifies; a wedged loop never gets here.
        if let interval = notifier.watchdogInterval, state != .finished,
            lastWatchdog.map({ now.since($0) >= interval }) ?? true
        {
            lastWatchdog = now
            notifier.watchdog()
        }
    }

    /// One line: workers ready/total, in flight, queued, done, failed, restarts, and anything abnormal.
    func statusLine(now: Instant) -> String {
        var parts = [
            "workers \(pool.readyCount)/\(pool.targetSize) ready",
            "in-flight \(ledger.inFlightCount)",
            "queued \(ledger.queuedCount)",
            "done \(counters.done)",
            "failed \(counters.failed)",
            "restarts \(pool.restarts)",
        ]
        if ledger.deferredCount > 0 { parts.append("waiting to retry \(ledger.deferredCount)") }
        if pool.drainingCount > 0 { parts.append("draining \(pool.drainingCount)") }
        if pool.restart.inCrashLoop(at: now) { parts.append("CRASH-LOOP (restarts slowed)") }
        if case .draining = state { parts.append("stopping") }
        parts.append(source.status)
        parts.append(contentsOf: companions.compactMap(\.status))
        if let reloadProblem { parts.append(reloadProblem) }
        return parts.joined(separator: ", ")
    }
}
