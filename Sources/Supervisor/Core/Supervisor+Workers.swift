import Glibc
import Platform
import IPC
import Logging

extension Supervisor {
    /// Carries out one pool decision.
    func perform(_ action: WorkerPool.Action, now: Instant) {
        switch action {
        case .spawn(let id):
            spawn(id, now: now)
        case .drain(let id):
            ledger.release(id)
            processes[id]?.connection?.enqueue(SupervisorMessage.drain.frame())
            logger.info("draining worker", metadata: workerMetadata(id))
        case .kill(let id, let reason):
            workerGone(id, reason: reason, kill: true, now: now)
        case .ping(let id):
            processes[id]?.connection?.enqueue(SupervisorMessage.ping(sequence: nextPing).frame())
            nextPing += 1
        }
    }

    func spawn(_ id: WorkerID, now: Instant) {
        do {
            let pair = try SocketPair.make()
            defer { close(pair.child) }
            let pid: pid_t
            do {
                pid = try launcher.spawn(id: id, socket: pair.child)
            } catch {
                close(pair.parent)
                throw error
            }
            let connection = FrameConnection(descriptor: pair.parent, maxFrameSize: configuration.ipc.maxFrameBytes)
            processes[id] = WorkerProcess(id: id, pid: pid, connection: connection)
            pids[pid] = id
            try reactor.add(pair.parent, .worker(id))
            logger.debug("worker spawned", metadata: ["worker.id": "\(id)", "worker.pid": "\(pid)"])
        } catch {
            // Spawning failed (EAGAIN, ENOMEM, pids.max, a missing binary): count it as a crash so the slot backs off.
            logger.error("cannot start worker", metadata: ["worker.id": "\(id)", "error": "\(error)"])
            if let process = processes[id] { tearDown(process) }
            pool.markExiting(id)
            pool.workerExited(id, now: now, jitter: nextJitter())
            poolChanged()
        }
    }

    /// Reads and handles everything the worker sent.
    func receive(from id: WorkerID, now: Instant) {
        guard let connection = processes[id]?.connection else { return }
        let frames: [Frame]
        let ended: Bool
        do {
            (frames, ended) = try connection.receive()
        } catch {
            workerGone(id, reason: "protocol error: \(error)", kill: true, now: now, salvage: false)
            return
        }
        if !frames.isEmpty { pool.heard(id, now: now) }
        for frame in frames {
            do {
                try handle(WorkerMessage(frame: frame), from: id, now: now)
            } catch {
                workerGone(id, reason: "protocol error: \(error)", kill: true, now: now, salvage: false)
                return
            }
        }
        if ended {
            let expected = pool.worker(id)?.exitExpected ?? true
            workerGone(id, reason: "closed its connection", kill: !expected, now: now)
        }
    }

    func handle(_ message: WorkerMessage, from id: WorkerID, now: Instant) throws(IPCError) {
        guard var process = processes[id] else { return }
        switch message {
        case .hello(let version, let workerID, let pid):
            guard !process.handshaken else { throw IPCError(.malformedPayload, "second hello") }
            guard version == UInt16(IPCProtocol.version), workerID == id.rawValue, pid == process.pid else {
                throw IPCError(
                    .malformedPayload,
                    "hello(version \(version), id \(workerID), pid \(pid)) does not match (version \(IPCProtocol.version), id \(id.rawValue), pid \(process.pid))"
                )
            }
            process.handshaken = true
            process.capacity = configuration.workers.concurrency
            processes[id] = process
            process.connection?.enqueue(
                SupervisorMessage.welcome(
                    concurrency: UInt16(configuration.workers.concurrency),
                    handler: configuration.workers.handler.rawValue,
                    settings: handlerSettings(configuration)
                ).frame())
            pool.handshakeCompleted(id, now: now)
            poolChanged()
            logger.info("worker ready", metadata: workerMetadata(id))
        case .result(let commandID, .retryLater(let reason, let createAttempts)):
            guard process.handshaken,
                let entry = ledger.deferRetry(
                    CommandID(commandID), by: id, until: retryTime(of: CommandID(commandID), now: now),
                    createAttempts: createAttempts)
            else {
                throw IPCError(.malformedPayload, "result for command c\(commandID), which this worker does not hold")
            }
            statusVersion &+= 1
            counters.deferred += 1
            logger.warning(
                "command deferred; it will be tried again",
                metadata: commandMetadata(entry, worker: id).merging([
                    "reason": "\(reason)", "deferrals": "\(entry.deferrals)",
                ]) {
                    $1
                })
        case .result(let commandID, let outcome):
            guard process.handshaken, let entry = ledger.complete(CommandID(commandID), by: id) else {
                throw IPCError(.malformedPayload, "result for command c\(commandID), which this worker does not hold")
            }
            statusVersion &+= 1
            if case .failed(let reason) = outcome {
                counters.failed += 1
                logger.notice(
                    "command failed",
                    metadata: commandMetadata(entry, worker: id).merging(["reason": "\(reason)"]) { $1 })
            } else {
                counters.done += 1
                logger.debug("command done", metadata: commandMetadata(entry, worker: id))
            }
            source.finish(
                FinishedCommand(
                    origin: entry.origin, key: entry.key, outcome: outcome, worker: id, attempts: entry.attempts))
        case .pong:
            guard process.handshaken else { throw IPCError(.malformedPayload, "pong before hello") }
        case .statistics(let statistics):
            guard process.handshaken else { throw IPCError(.malformedPayload, "statistics before hello") }
            workerStatistics.record(statistics, from: id)
        }
    }

    /// When a deferred command is tried again: after its backoff, but not after it expires (a create that expired
    /// meanwhile is then failed by its worker at once rather than after the rest of its backoff).
    func retryTime(of id: CommandID, now: Instant) -> Instant {
        guard let entry = ledger.entry(id) else { return now }
        var delay = retryDelay(deferrals: entry.deferrals + 1)
        if let expiry = expiry(of: entry) {
            let wall = Self.wallClockMilliseconds()
            let untilExpiry: Duration = expiry > wall ? .milliseconds(Int64(clamping: expiry - wall)) : .zero
            delay = min(delay, untilExpiry)
        }
        return now + delay
    }

    /// A worker is lost to the supervisor: close its connection, kill it if asked (and not yet reaped), and give
    /// its commands back to the ledger. Quarantined commands are failed.
    ///
    /// - Parameter salvage: first read and handle what the worker already sent (results of commands it did
    ///   finish), unless the connection is being dropped for a protocol error.
    func workerGone(_ id: WorkerID, reason: String, kill: Bool, now: Instant, salvage: Bool = true) {
        if salvage { salvageResults(from: id, now: now) }
        workerStatistics.retire(id)
        guard var process = processes[id] else { return }
        let wasExpected = pool.worker(id)?.exitExpected ?? false
        if let connection = process.connection {
            reactor.remove(connection.descriptor)
            connection.close()
            process.connection = nil
        }
        processes[id] = process
        if kill, pids[process.pid] != nil {
            // Not reaped yet, so the pid still names our child: signalling it cannot hit an innocent process.
            _ = Glibc.kill(process.pid, SIGKILL)
        }
        pool.markExiting(id)
        poolChanged()
        if wasExpected && !kill {
            logger.info("worker exited", metadata: workerMetadata(id))
        } else {
            logger.warning("worker lost", metadata: workerMetadata(id).merging(["reason": "\(reason)"]) { $1 })
        }
        for entry in ledger.workerLost(id) {
            counters.quarantined += 1
            counters.failed += 1
            let why = "quarantined: \(entry.soloLosses) workers died while running this command alone"
            logger.error(
                "command quarantined",
                metadata: commandMetadata(entry, worker: nil).merging(["reason": "\(why)"]) { $1 })
            source.finish(
                FinishedCommand(
                    origin: entry.origin, key: entry.key,
                    outcome: .failed(
                        reason: "The command could not be executed: internal error (worker crashed repeatedly)"),
                    worker: nil, attempts: entry.attempts))
        }
        if pids[process.pid] == nil { finishExit(id, now: now) }
    }

    /// Handles whatever complete frames are already readable, without treating end of stream or errors as
    /// anything more (the caller is already taking the worker down).
    func salvageResults(from id: WorkerID, now: Instant) {
        guard let connection = processes[id]?.connection, let (frames, _) = try? connection.receive() else { return }
        for frame in frames {
            guard let message = try? WorkerMessage(frame: frame) else { return }
            do { try handle(message, from: id, now: now) } catch { return }
        }
    }

    /// Collects every exited child. Workers are matched by pid; anything else is an orphan we inherited as PID 1
    /// (or a subreaper) and is simply reaped.
    func reap(now: Instant) {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { break }
            guard let id = pids.removeValue(forKey: pid) else {
                counters.orphansReaped += 1
                logger.debug("reaped orphan", metadata: ["pid": "\(pid)", "status": "\(ExitStatus(status))"])
                continue
            }
            logger.debug(
                "worker reaped",
                metadata: ["worker.id": "\(id)", "worker.pid": "\(pid)", "status": "\(ExitStatus(status))"])
            if processes[id]?.connection != nil {
                let expected = pool.worker(id)?.exitExpected ?? false
                workerGone(id, reason: "exited (\(ExitStatus(status)))", kill: false, now: now)
                if !expected {
                    logger.warning("worker died", metadata: ["worker.id": "\(id)", "status": "\(ExitStatus(status))"])
                }
            }
            finishExit(id, now: now)
        }
    }

    /// Both the connection and the process are gone: free the slot.
    func finishExit(_ id: WorkerID, now: Instant) {
        guard let process = processes[id], process.connection == nil, pids[process.pid] == nil else { return }
        processes[id] = nil
        poolChanged()
        let crashed = pool.workerExited(id, now: now, jitter: nextJitter())
        if crashed && pool.restart.inCrashLoop(at: now) {
            logger.error("workers are crash-looping; restarts slowed to \(configuration.restart.maxBackoff)")
        }
    }

    func tearDown(_ process: WorkerProcess) {
        if let connection = process.connection {
            reactor.remove(connection.descriptor)
            connection.close()
        }
        processes[process.id]?.connection = nil
    }

    func flush(_ id: WorkerID) {
        guard let connection = processes[id]?.connection else { return }
        do {
            try connection.flush()
        } catch {
            // The worker closed its end: a draining worker that just exited, or a dying one.
            let expected = pool.worker(id)?.exitExpected ?? false
            workerGone(id, reason: "write failed: \(error)", kill: !expected, now: .now())
            return
        }
        let wantWritable = connection.hasPendingOutput
        if processes[id]?.watchingWritable != wantWritable {
            processes[id]?.watchingWritable = wantWritable
            reactor.modify(connection.descriptor, .worker(id), writable: wantWritable)
        }
    }

    func flushAll() {
        for id in processes.keys where processes[id]?.connection?.hasPendingOutput == true { flush(id) }
    }

    /// Log metadata for a line about one command: its id, key, where it came from, and the worker, if any.
    func commandMetadata(_ entry: DispatchLedger.Entry, worker: WorkerID?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["command.id": "\(entry.id)", "key": "\(entry.key)"]
        for (name, value) in entry.context { metadata[name] = "\(value)" }
        if let worker { metadata["worker.id"] = "\(worker)" }
        return metadata
    }

    func workerMetadata(_ id: WorkerID) -> Logger.Metadata {
        guard let process = processes[id] else { return ["worker.id": "\(id)"] }
        return ["worker.id": "\(id)", "worker.pid": "\(process.pid)"]
    }
}

/// A `waitpid` status, decoded (the C macros are not visible to Swift).
struct ExitStatus: CustomStringConvertible {
    let raw: Int32
    init(_ raw: Int32) { self.raw = raw }
    var exitCode: Int32? { raw & 0x7F == 0 ? (raw >> 8) & 0xFF : nil }
    var signal: Int32? { raw & 0x7F != 0 && raw & 0x7F != 0x7F ? raw & 0x7F : nil }
    var description: String {
        if let code = exitCode { return "exit \(code)" }
        if let signal { return "signal \(signal)" }
        return "status \(raw)"
    }
}
