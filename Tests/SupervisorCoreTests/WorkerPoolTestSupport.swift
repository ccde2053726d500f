import SupervisorCore

extension Array where Element == WorkerPool.Action {
    var spawned: [WorkerID] { compactMap { if case .spawn(let id) = $0 { id } else { nil } } }
    var drained: [WorkerID] { compactMap { if case .drain(let id) = $0 { id } else { nil } } }
    var killed: [WorkerID] { compactMap { if case .kill(let id, _) = $0 { id } else { nil } } }
    var pinged: [WorkerID] { compactMap { if case .ping(let id) = $0 { id } else { nil } } }
    var killReasons: [String] { compactMap { if case .kill(_, let reason) = $0 { reason } else { nil } } }
}

/// Worker ids by number, for short assertions.
func ids(_ numbers: UInt32...) -> [WorkerID] { numbers.map(WorkerID.init) }

/// A pool with a hand-driven clock (milliseconds) and helpers to run it.
struct PoolDriver {
    var pool: WorkerPool
    /// The time of the last tick, in ms.
    var now = 0

    static func settings(count: Int) -> Configuration.Workers {
        var workers = Configuration.Workers()
        workers.count = count
        workers.handshakeTimeout = .seconds(10)
        workers.heartbeatInterval = .seconds(1)
        workers.heartbeatTimeout = .seconds(5)
        return workers
    }

    static func restart() -> Configuration.Restart {
        var restart = Configuration.Restart()
        restart.initialBackoff = .milliseconds(100)
        restart.maxBackoff = .seconds(30)
        restart.resetAfter = .seconds(10)
        restart.crashLoopThreshold = 5
        restart.crashLoopWindow = .seconds(60)
        return restart
    }

    init(count: Int) {
        pool = WorkerPool(settings: Self.settings(count: count), restart: Self.restart(), now: ms(0))
    }

    /// A pool whose first `count` workers (ids 1...count) spawned at 0 ms and said hello at 100 ms.
    static func booted(count: Int) -> PoolDriver {
        var driver = PoolDriver(count: count)
        _ = driver.tick(at: 0)
        for worker in driver.pool.workers.keys { driver.pool.handshakeCompleted(worker, now: ms(100)) }
        _ = driver.tick(at: 100)
        return driver
    }

    mutating func tick(at time: Int) -> [WorkerPool.Action] {
        now = time
        return pool.tick(now: ms(time))
    }

    /// Ticks at every multiple of `step` ms after the last tick, up to `end` (inclusive). Before each tick, every ready or
    /// draining worker not in `silent` is heard from. Returns each tick's actions with its time.
    mutating func run(
        to end: Int, every step: Int = 250, silent: Set<WorkerID> = []
    )
        -> [(time: Int, actions: [WorkerPool.Action])]
    {
        var log: [(Int, [WorkerPool.Action])] = []
        var time = (now / step + 1) * step
        while time <= end {
            for worker in pool.workers.values
            where (worker.phase == .ready || worker.phase == .draining) && !silent.contains(worker.id) {
                pool.heard(worker.id, now: ms(time))
            }
            let actions = tick(at: time)
            if !actions.isEmpty { log.append((time, actions)) }
            time += step
        }
        return log
    }

    /// Completes the handshake of every starting worker.
    mutating func helloAll(at time: Int) {
        for worker in pool.workers.values where worker.phase == .starting {
            pool.handshakeCompleted(worker.id, now: ms(time))
        }
    }
}

extension Array where Element == (time: Int, actions: [WorkerPool.Action]) {
    var allActions: [WorkerPool.Action] { flatMap(\.actions) }
    /// The times at which `worker` was pinged.
    func pingTimes(_ worker: WorkerID) -> [Int] { filter { $0.actions.pinged.contains(worker) }.map(\.time) }
}
