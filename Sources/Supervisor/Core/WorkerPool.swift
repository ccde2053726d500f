import Platform
/// The pool's bookkeeping and policy: slots, worker phases, spawning, draining, heartbeats and restarts.
///
/// Pure: it never touches a process or a socket. Every method takes the time and returns ``Action``s that
/// the supervisor carries out; tests drive it with a hand-made clock.
public struct WorkerPool {
    /// Where a worker is in its life.
    public enum Phase: Equatable, Sendable {
        /// Spawned; its handshake has not arrived.
        case starting
        /// Handshake done: it takes commands.
        case ready
        /// Told to finish its commands and exit; takes nothing new.
        case draining
        /// Gone from the supervisor's point of view (socket closed or killed); waiting to be reaped.
        case exiting
    }

    /// One worker incarnation.
    public struct Worker: Equatable, Sendable {
        public var id: WorkerID
        public var slot: Int?
        public var phase: Phase
        public var spawnedAt: Instant
        public var readyAt: Instant?
        public var lastHeard: Instant
        /// Whether its exit was asked for (drain, shutdown, or a kill for cause that is not a crash).
        public var exitExpected = false
    }

    /// What the supervisor must do.
    public enum Action: Equatable, Sendable {
        case spawn(WorkerID)
        case drain(WorkerID)
        case kill(WorkerID, reason: String)
        case ping(WorkerID)
    }

    private struct Slot {
        var worker: WorkerID?
        var notBefore: Instant
        var consecutiveCrashes = 0
    }

    public var settings: Configuration.Workers
    public private(set) var restart: RestartPolicy
    private var slots: [Slot] = []
    public private(set) var workers: [WorkerID: Worker] = [:]
    private var nextID: UInt32 = 1
    private var lastPing: Instant?
    private var lastTick: Instant?
    /// True until the pool first reached its size; while booting every slot may start at once.
    public private(set) var booting = true
    /// Workers replaced after an unexpected exit, over the whole run.
    public private(set) var restarts = 0
    /// Whether the pool is shutting down: nothing is spawned any more.
    public private(set) var stopping = false

    public init(settings: Configuration.Workers, restart: Configuration.Restart, now: Instant) {
        self.settings = settings
        self.restart = RestartPolicy(settings: restart)
        slots = Array(repeating: Slot(worker: nil, notBefore: now), count: settings.count)
        booting = settings.count > 0
    }

    /// The size the pool converges to.
    public var targetSize: Int { slots.count }
    /// Workers that have completed their handshake and take commands.
    public var readyWorkers: [WorkerID] { workers.values.filter { $0.phase == .ready }.map(\.id).sorted() }
    public var readyCount: Int { workers.values.count { $0.phase == .ready } }
    public var startingCount: Int { workers.values.count { $0.phase == .starting } }
    public var drainingCount: Int { workers.values.count { $0.phase == .draining } }
    /// Whether every slot holds a ready worker and no surplus worker is still draining.
    public var isConverged: Bool { readyCount == slots.count && drainingCount == 0 && startingCount == 0 }

    public func worker(_ id: WorkerID) -> Worker? { workers[id] }

    /// Changes the pool size: grows by adding empty slots (filled one at a time by ``tick(now:)``), shrinks by
    /// draining the workers of the removed slots, idle or newest first.
    public mutating func resize(to size: Int, now: Instant, load: (WorkerID) -> Int) -> [Action] {
        let size = max(0, size)
        guard size != slots.count else { return [] }
        if size > slots.count {
            slots.append(contentsOf: Array(repeating: Slot(worker: nil, notBefore: now), count: size - slots.count))
            return []
        }
        // Keep the busiest ready workers in the first `size` slots: move them to the front first.
        slots.sort { lhs, rhs in
            let l = lhs.worker.map { (workers[$0]?.phase == .ready ? 1 : 0, load($0)) } ?? (0, -1)
            let r = rhs.worker.map { (workers[$0]?.phase == .ready ? 1 : 0, load($0)) } ?? (0, -1)
            return l > r
        }
        let removed = slots[size...]
        slots.removeSubrange(size...)
        if booting && readyCount >= slots.count { booting = false }
        for index in slots.indices { if let id = slots[index].worker { workers[id]?.slot = index } }
        return removed.compactMap(\.worker).compactMap {
            retire($0, reason: "pool shrank before its handshake", leavingSlot: true)
        }
    }

    /// Takes a worker out of service on purpose: one still starting is killed, a ready one drains.
    /// - Parameter leavingSlot: the worker's slot is gone (shrink), so it no longer belongs to one.
    private mutating func retire(_ id: WorkerID, reason: String, leavingSlot: Bool) -> Action? {
        guard var worker = workers[id] else { return nil }
        if leavingSlot { worker.slot = nil }
        worker.exitExpected = true
        defer { workers[id] = worker }
        switch worker.phase {
        case .starting:
            worker.phase = .exiting
            return .kill(id, reason: reason)
        case .ready:
            worker.phase = .draining
            return .drain(id)
        case .draining, .exiting:
            return nil
        }
    }

    /// Periodic planning: heartbeats, handshake and heartbeat timeouts, and spawns for empty slots.
    public mutating func tick(now: Instant) -> [Action] {
        var actions: [Action] = []
        // A supervisor that was itself stopped (SIGSTOP, a long GC-free stall, a suspended VM) must not blame
        // its workers for the silence: treat everyone as just heard.
        if let last = lastTick, now.since(last) > settings.heartbeatInterval * 2 {
            for id in workers.keys {
                workers[id]?.lastHeard = now
                if workers[id]?.phase == .starting { workers[id]?.spawnedAt = now }
            }
        }
        lastTick = now
        for worker in workers.values.sorted(by: { $0.id < $1.id }) {
            switch worker.phase {
            case .starting where now.since(worker.spawnedAt) > settings.handshakeTimeout:
                actions.append(.kill(worker.id, reason: "no handshake within \(settings.handshakeTimeout)"))
                markExiting(worker.id)
            case .ready, .draining:
                if now.since(worker.lastHeard) > settings.heartbeatTimeout {
                    actions.append(.kill(worker.id, reason: "no heartbeat for \(now.since(worker.lastHeard))"))
                    markExiting(worker.id)
                }
            default:
                break
            }
        }
        if lastPing.map({ now.since($0) >= settings.heartbeatInterval }) ?? true {
            lastPing = now
            for worker in workers.values where worker.phase == .ready || worker.phase == .draining {
                actions.append(.ping(worker.id))
            }
            actions.sort { ($0.workerID?.rawValue ?? 0) < ($1.workerID?.rawValue ?? 0) }
        }
        guard !stopping else { return actions }
        let allowedStarting = booting ? slots.count : 1
        for index in slots.indices where slots[index].worker == nil && slots[index].notBefore <= now {
            guard startingCount < allowedStarting else { break }
            let id = WorkerID(nextID)
            nextID += 1
            slots[index].worker = id
            workers[id] = Worker(id: id, slot: index, phase: .starting, spawnedAt: now, lastHeard: now)
            actions.append(.spawn(id))
        }
        return actions
    }

    /// The earliest time ``tick(now:)`` has something to do.
    public func nextDeadline() -> Instant? {
        var candidates: [Instant] = []
        if let lastPing { candidates.append(lastPing + settings.heartbeatInterval) }
        if !stopping {
            candidates += slots.filter { $0.worker == nil }.map(\.notBefore)
        }
        for worker in workers.values {
            switch worker.phase {
            case .starting: candidates.append(worker.spawnedAt + settings.handshakeTimeout)
            case .ready, .draining: candidates.append(worker.lastHeard + settings.heartbeatTimeout)
            case .exiting: break
            }
        }
        return candidates.min()
    }

    /// The handshake arrived.
    public mutating func handshakeCompleted(_ id: WorkerID, now: Instant) {
        guard var worker = workers[id], worker.phase == .starting else { return }
        worker.phase = .ready
        worker.readyAt = now
        worker.lastHeard = now
        workers[id] = worker
        if booting && readyCount >= slots.count { booting = false }
    }

    /// Any frame arrived from the worker.
    public mutating func heard(_ id: WorkerID, now: Instant) {
        workers[id]?.lastHeard = now
    }

    /// The supervisor decided to kill or disconnect the worker; it takes no more work.
    public mutating func markExiting(_ id: WorkerID) {
        guard var worker = workers[id] else { return }
        worker.phase = .exiting
        workers[id] = worker
    }

    /// The worker is gone for good (reaped). Frees its slot; an unexpected exit schedules the slot's restart
    /// with backoff.
    ///
    /// - Returns: whether the exit counted as a crash.
    @discardableResult
    public mutating func workerExited(_ id: WorkerID, now: Instant, jitter: Double) -> Bool {
        guard let worker = workers.removeValue(forKey: id) else { return false }
        guard let index = worker.slot, index < slots.count, slots[index].worker == id else { return false }
        slots[index].worker = nil
        if worker.exitExpected {
            slots[index].notBefore = now
            return false
        }
        // A worker that stayed up long enough resets its slot's backoff.
        if let readyAt = worker.readyAt, now.since(readyAt) >= restart.settings.resetAfter {
            slots[index].consecutiveCrashes = 0
        }
        slots[index].consecutiveCrashes += 1
        let delay = restart.recordCrash(at: now, consecutive: slots[index].consecutiveCrashes, jitter: jitter)
        slots[index].notBefore = now + delay
        restarts += 1
        return true
    }

    /// Marks a worker's coming exit as intended (drain, shutdown), so it is not counted as a crash.
    public mutating func expectExit(_ id: WorkerID) { workers[id]?.exitExpected = true }

    /// Begins shutdown: no more spawns; every live worker is told to drain.
    public mutating func beginShutdown() -> [Action] {
        stopping = true
        return workers.keys.sorted().compactMap {
            retire($0, reason: "shutting down before its handshake", leavingSlot: false)
        }
    }
}

extension WorkerPool.Action {
    var workerID: WorkerID? {
        switch self {
        case .spawn(let id), .drain(let id), .kill(let id, _), .ping(let id): id
        }
    }
}
