import Platform
import DequeModule

/// Every command the supervisor has accepted and not yet finished: queued or in flight on a worker.
///
/// Policy only, no I/O. Guarantees:
/// - commands with the same key never run concurrently and start in the order they were added;
/// - commands with other keys are handed out in arrival order of their key's head;
/// - a command is owned by at most one worker, and only that worker can complete it;
/// - when a worker is lost, its commands go back to the front of the line as *suspects*. A suspect runs alone
///   on an otherwise idle worker, and nothing else is given to that worker meanwhile, so a later death is
///   attributable to it. A command that has killed `quarantineAfter` workers while alone on them is removed and
///   returned, to be failed instead of retried forever; innocent bystanders of a crash are never quarantined.
public struct DispatchLedger {
    /// One accepted command.
    public struct Entry: Equatable, Sendable {
        public var id: CommandID
        public var key: String
        public var payload: [UInt8]
        public var origin: CommandOrigin
        /// Where it came from, for log lines about it (from ``SourceCommand/logContext``).
        public var context: [String: String] = [:]
        /// Dispatches so far (1 after the first).
        public var attempts: UInt32 = 0
        /// Workers that died while holding it.
        public var workersLost = 0
        /// Workers that died while holding it and nothing else: deaths it is surely to blame for.
        public var soloLosses = 0
        /// Whether it was on a worker that died: it then runs in isolation.
        public var isSuspect: Bool { workersLost > 0 }
        /// The worker holding it, if in flight.
        public var owner: WorkerID?
        /// When it was last dispatched.
        public var dispatchedAt: Instant?
        /// Times a worker answered "try again later" (a transient failure outlasting its deadline).
        public var deferrals: UInt32 = 0
        /// The command's own timestamp in milliseconds since the Unix epoch (``SourceCommand/issuedAtMilliseconds``),
        /// from which its expiry is counted; `nil` when it has none.
        public var issuedAtMilliseconds: UInt64?
        /// Pod creation attempts answered 500 that its retry-later answers reported, over all its dispatches.
        public var createAttempts: UInt32 = 0
    }

    /// Commands lost with this many workers are quarantined.
    public var quarantineAfter: Int

    private var entries: [CommandID: Entry] = [:]
    private var keyQueues: [String: Deque<CommandID>] = [:]
    /// Keys whose head command is queued and may be dispatched now.
    private var readyKeys: Deque<String> = []
    /// Keys whose head command is a queued suspect, waiting for an idle worker.
    private var suspectKeys: Deque<String> = []
    /// Workers running a suspect: they get nothing else until it finishes.
    private var isolatedWorkers: Set<WorkerID> = []
    /// A busy worker set aside to run the waiting suspects: it gets no new work until it is idle, so suspects
    /// are not starved when every worker stays busy.
    private var reservedWorker: WorkerID?
    private var heldBy: [WorkerID: Set<CommandID>] = [:]
    /// Key heads sent back by their worker to be tried again, each not before its time (earliest first). The key
    /// stays blocked meanwhile, so later commands with the same key keep waiting behind it.
    private var deferred: [(at: Instant, id: CommandID)] = []
    /// In-flight dispatches in dispatch order (entries that finished are dropped lazily), so the oldest one is
    /// found in amortised O(1) instead of by scanning everything in flight on every loop turn.
    private var dispatchOrder: Deque<(at: Instant, id: CommandID, attempt: UInt32)> = []
    public private(set) var inFlightCount = 0

    public init(quarantineAfter: Int) {
        self.quarantineAfter = max(1, quarantineAfter)
    }

    /// Commands accepted and not finished.
    public var count: Int { entries.count }
    /// Commands waiting for a worker (including those blocked behind an earlier command with the same key).
    public var queuedCount: Int { entries.count - inFlightCount }
    /// Whether some command could be dispatched right now.
    public var hasDispatchable: Bool { !readyKeys.isEmpty || !suspectKeys.isEmpty }

    /// The entry for `id`, if the command is still open.
    public func entry(_ id: CommandID) -> Entry? { entries[id] }

    /// Commands the worker holds.
    public func commands(heldBy worker: WorkerID) -> Set<CommandID> { heldBy[worker] ?? [] }

    /// How many commands the worker holds: the supervisor's one count of a worker's load (dispatch, results,
    /// deferrals and losses all move it here).
    public func heldCount(by worker: WorkerID) -> Int { heldBy[worker]?.count ?? 0 }

    /// Accepts a command. Ids must be unique.
    public mutating func add(
        id: CommandID, key: String, payload: [UInt8], origin: CommandOrigin, context: [String: String] = [:],
        issuedAtMilliseconds: UInt64? = nil
    ) {
        precondition(entries[id] == nil, "duplicate command id \(id)")
        entries[id] = Entry(
            id: id, key: key, payload: payload, origin: origin, context: context,
            issuedAtMilliseconds: issuedAtMilliseconds)
        if keyQueues[key, default: []].isEmpty { readyKeys.append(key) }
        keyQueues[key, default: []].append(id)
    }

    /// Hands the next command `worker` may take and marks it in flight; `nil` if none fits this worker (it runs
    /// a suspect, or only suspects wait and it is not idle).
    public mutating func dispatchNext(to worker: WorkerID, at now: Instant) -> Entry? {
        guard !isolatedWorkers.contains(worker) else { return nil }
        if suspectKeys.isEmpty { reservedWorker = nil }
        let idle = heldBy[worker, default: []].isEmpty
        let key: String
        if idle, let suspect = suspectKeys.popFirst() {
            key = suspect
            isolatedWorkers.insert(worker)
            if reservedWorker == worker { reservedWorker = nil }
        } else if !suspectKeys.isEmpty, reservedWorker == nil || reservedWorker == worker {
            reservedWorker = worker  // let it run dry, then it takes the suspect
            return nil
        } else if let ready = readyKeys.popFirst() {
            key = ready
        } else {
            return nil
        }
        guard let id = keyQueues[key]?.first, var entry = entries[id] else { return nil }
        entry.owner = worker
        entry.attempts += 1
        entry.dispatchedAt = now
        entries[id] = entry
        heldBy[worker, default: []].insert(id)
        inFlightCount += 1
        dispatchOrder.append((now, id, entry.attempts))
        if dispatchOrder.count > 4 * inFlightCount + 64 {
            dispatchOrder = Deque(
                dispatchOrder.filter { entries[$0.id]?.owner != nil && entries[$0.id]?.attempts == $0.attempt })
        }
        return entry
    }

    /// Finishes a command reported by `worker`.
    ///
    /// - Returns: the entry, or `nil` when `worker` does not hold that command (a stale or bogus result).
    public mutating func complete(_ id: CommandID, by worker: WorkerID) -> Entry? {
        guard let entry = entries[id], entry.owner == worker else { return nil }
        heldBy[worker]?.remove(id)
        if entry.isSuspect { isolatedWorkers.remove(worker) }
        inFlightCount -= 1
        remove(entry)
        return entry
    }

    /// Puts a command its worker could not carry out yet back in line, to be dispatched again at `retryAt` or
    /// later. It keeps its place at the head of its key. Returns the entry, or `nil` when `worker` does not hold it.
    /// `createAttempts` (the Pod creation attempts answered 500 that this dispatch made) adds to the entry's count.
    public mutating func deferRetry(
        _ id: CommandID, by worker: WorkerID, until retryAt: Instant, createAttempts: UInt32 = 0
    ) -> Entry? {
        guard var entry = entries[id], entry.owner == worker else { return nil }
        heldBy[worker]?.remove(id)
        if entry.isSuspect { isolatedWorkers.remove(worker) }
        inFlightCount -= 1
        entry.owner = nil
        entry.deferrals += 1
        entry.createAttempts =
            entry.createAttempts.addingReportingOverflow(createAttempts).overflow
            ? .max : entry.createAttempts + createAttempts
        entries[id] = entry
        let index = deferred.firstIndex { $0.at > retryAt } ?? deferred.endIndex
        deferred.insert((retryAt, id), at: index)
        return entry
    }

    /// Makes deferred commands whose time has come dispatchable again.
    public mutating func promoteDeferred(now: Instant) {
        while let first = deferred.first, first.at <= now {
            deferred.removeFirst()
            // Gone meanwhile (withdrawn on revocation): nothing to promote; its key moved on in `remove`.
            guard let entry = entries[first.id], entry.owner == nil, keyQueues[entry.key]?.first == first.id else {
                continue
            }
            if entry.isSuspect { suspectKeys.append(entry.key) } else { readyKeys.append(entry.key) }
        }
    }

    /// When the earliest deferred command becomes dispatchable, for timer planning.
    public var nextDeferredRetry: Instant? { deferred.first?.at }

    /// Commands waiting for their retry time.
    public var deferredCount: Int { deferred.count }

    /// Removes a command that is not in flight (for example one whose source partition was revoked).
    /// In-flight commands are left alone; the result: whether it was removed.
    @discardableResult
    public mutating func cancelQueued(_ id: CommandID) -> Bool {
        guard let entry = entries[id], entry.owner == nil else { return false }
        if entry.deferrals > 0 { deferred.removeAll { $0.id == id } }
        if keyQueues[entry.key]?.first == id {
            if let index = readyKeys.firstIndex(of: entry.key) { readyKeys.remove(at: index) }
            if let index = suspectKeys.firstIndex(of: entry.key) { suspectKeys.remove(at: index) }
        }
        remove(entry)
        return true
    }

    /// Removes every queued (not in flight) command whose origin matches; returns them in id order.
    public mutating func withdrawQueued(where predicate: (CommandOrigin) -> Bool) -> [Entry] {
        let matching = entries.values.filter { $0.owner == nil && predicate($0.origin) }.sorted { $0.id < $1.id }
        // Remove later commands of a key before earlier ones, so a key's head is removed last and nothing behind
        // it is promoted in between.
        for entry in matching.reversed() { cancelQueued(entry.id) }
        return matching
    }

    /// Open commands (queued or in flight) whose origin matches.
    public func openCount(where predicate: (CommandOrigin) -> Bool) -> Int {
        entries.values.count { predicate($0.origin) }
    }

    /// Takes back everything `worker` held. They become suspects, ahead of new work. A command that has now
    /// killed `quarantineAfter` workers while alone on them is removed and returned.
    public mutating func workerLost(_ worker: WorkerID) -> [Entry] {
        isolatedWorkers.remove(worker)
        release(worker)
        guard let held = heldBy.removeValue(forKey: worker) else { return [] }
        let alone = held.count == 1
        var quarantined: [Entry] = []
        for id in held.sorted(by: >) {
            guard var entry = entries[id] else { continue }
            inFlightCount -= 1
            entry.owner = nil
            entry.workersLost += 1
            if alone { entry.soloLosses += 1 }
            entries[id] = entry
            if entry.soloLosses >= quarantineAfter {
                quarantined.append(entry)
                remove(entry)
            } else {
                suspectKeys.prepend(entry.key)
            }
        }
        return quarantined.sorted { $0.id < $1.id }
    }

    /// The worker no longer takes new work (it is draining or gone): it cannot be the one set aside for suspects.
    public mutating func release(_ worker: WorkerID) {
        if reservedWorker == worker { reservedWorker = nil }
    }

    /// Workers holding a command dispatched before `cutoff`, with the oldest such command.
    public func overdue(dispatchedBefore cutoff: Instant) -> [(worker: WorkerID, command: CommandID)] {
        var result: [(WorkerID, CommandID)] = []
        for (worker, held) in heldBy {
            let late = held.compactMap { id -> (CommandID, Instant)? in
                guard let at = entries[id]?.dispatchedAt, at < cutoff else { return nil }
                return (id, at)
            }
            if let oldest = late.min(by: { $0.1 < $1.1 }) { result.append((worker, oldest.0)) }
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// The earliest dispatch time among in-flight commands, for timer planning.
    public var oldestDispatch: Instant? {
        mutating get {
            while let first = dispatchOrder.first {
                if let entry = entries[first.id], entry.owner != nil, entry.attempts == first.attempt {
                    return first.at
                }
                dispatchOrder.removeFirst()
            }
            return nil
        }
    }

    /// Removes a finished or dropped entry and promotes the next command of its key.
    private mutating func remove(_ entry: Entry) {
        entries[entry.id] = nil
        // In place (the dictionary's modify accessor), so the key's queue is not copied on every removal.
        guard let first = keyQueues[entry.key]?.first else { return }
        if first == entry.id {
            keyQueues[entry.key]?.removeFirst()
            if let next = keyQueues[entry.key]?.first, entries[next]?.owner == nil { readyKeys.append(entry.key) }
        } else if let index = keyQueues[entry.key]?.firstIndex(of: entry.id) {
            keyQueues[entry.key]?.remove(at: index)
        }
        if keyQueues[entry.key]?.isEmpty == true { keyQueues[entry.key] = nil }
    }
}
