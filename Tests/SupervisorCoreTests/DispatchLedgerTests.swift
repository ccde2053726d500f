import Platform
import SupervisorCore
import Testing

/// Ordering, ownership and loss handling of the dispatch ledger, case by case.
@Suite struct DispatchLedgerTests {
    let w1 = WorkerID(1)
    let w2 = WorkerID(2)
    let w3 = WorkerID(3)

    private func add(_ ledger: inout DispatchLedger, _ id: UInt64, _ key: String) {
        ledger.add(
            id: CommandID(id), key: key, payload: Array("payload-\(id)".utf8),
            origin: CommandOrigin(partition: 0, offset: Int64(id)))
    }

    /// Dispatches everything dispatchable to `worker`, returning the ids in order.
    private func dispatchAll(_ ledger: inout DispatchLedger, to worker: WorkerID, at now: Instant = ms(0)) -> [UInt64] {
        var ids: [UInt64] = []
        while let entry = ledger.dispatchNext(to: worker, at: now) { ids.append(entry.id.rawValue) }
        return ids
    }

    private func overdue(_ ledger: DispatchLedger, before cutoff: Instant) -> [String] {
        ledger.overdue(dispatchedBefore: cutoff).map { "\($0.worker):\($0.command)" }
    }

    @Test func emptyLedgerDispatchesNothing() {
        var ledger = DispatchLedger(quarantineAfter: 3)
        #expect(ledger.dispatchNext(to: w1, at: ms(0)) == nil)
        #expect(!ledger.hasDispatchable)
        #expect(ledger.count == 0)
        #expect(ledger.oldestDispatch == nil)
        #expect(ledger.workerLost(w1).isEmpty)
    }

    @Test func entryCarriesWhatWasAddedAndDispatchDetails() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 7, "exec-1")
        let queued = try #require(ledger.entry(CommandID(7)))
        #expect(queued.owner == nil)
        #expect(queued.attempts == 0)
        #expect(queued.dispatchedAt == nil)
        #expect(ledger.hasDispatchable)
        let dispatched = ledger.dispatchNext(to: w2, at: ms(500))
        let entry = try #require(dispatched)
        #expect(entry.id == CommandID(7))
        #expect(entry.key == "exec-1")
        #expect(entry.payload == Array("payload-7".utf8))
        #expect(entry.origin == CommandOrigin(partition: 0, offset: 7))
        #expect(entry.owner == w2)
        #expect(entry.attempts == 1)
        #expect(entry.dispatchedAt == ms(500))
        #expect(ledger.entry(CommandID(7)) == entry)
        #expect(ledger.commands(heldBy: w2) == [CommandID(7)])
        #expect(ledger.oldestDispatch == ms(500))
        #expect(!ledger.hasDispatchable)
    }

    @Test func sameKeyNeverInFlightTogetherAndStartsInAddOrder() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        for id in 1...4 as ClosedRange<UInt64> { add(&ledger, id, "k") }
        for expected in 1...4 as ClosedRange<UInt64> {
            let worker = expected % 2 == 0 ? w1 : w2
            #expect(dispatchAll(&ledger, to: worker) == [expected])
            #expect(ledger.dispatchNext(to: w3, at: ms(0)) == nil, "key k is busy")
            #expect(ledger.inFlightCount == 1)
            #expect(ledger.queuedCount == Int(4 - expected))
            let completed = ledger.complete(CommandID(expected), by: worker)
            let done = try #require(completed)
            #expect(done.id == CommandID(expected))
        }
        #expect(ledger.count == 0)
        #expect(ledger.inFlightCount == 0)
    }

    @Test func differentKeysDispatchInArrivalOrder() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "b")
        add(&ledger, 3, "c")
        add(&ledger, 4, "a")
        add(&ledger, 5, "d")
        #expect(dispatchAll(&ledger, to: w1) == [1, 2, 3, 5])
        #expect(ledger.complete(CommandID(3), by: w1) != nil)
        #expect(dispatchAll(&ledger, to: w1) == [], "completing c unblocks nothing")
        #expect(ledger.complete(CommandID(1), by: w1) != nil)
        #expect(dispatchAll(&ledger, to: w2) == [4])
    }

    @Test func unblockedKeyQueuesBehindKeysThatWereAlreadyWaiting() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "a")
        #expect(dispatchAll(&ledger, to: w1) == [1])
        add(&ledger, 3, "b")
        add(&ledger, 4, "c")
        #expect(ledger.complete(CommandID(1), by: w1) != nil)
        // a's next command became ready after b and c were added.
        #expect(dispatchAll(&ledger, to: w2) == [3, 4, 2])
    }

    @Test func completeByTheWrongWorkerIsRefusedAndChangesNothing() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "b")
        #expect(ledger.dispatchNext(to: w1, at: ms(0))?.id == CommandID(1))
        #expect(ledger.complete(CommandID(1), by: w2) == nil)
        #expect(ledger.complete(CommandID(2), by: w1) == nil, "queued, not held by anyone")
        #expect(ledger.complete(CommandID(99), by: w1) == nil, "unknown")
        #expect(ledger.count == 2)
        #expect(ledger.inFlightCount == 1)
        #expect(ledger.entry(CommandID(1))?.owner == w1)
        #expect(ledger.complete(CommandID(1), by: w1)?.id == CommandID(1))
        #expect(ledger.complete(CommandID(1), by: w1) == nil, "already complete")
        #expect(ledger.count == 1)
        #expect(ledger.inFlightCount == 0)
    }

    @Test func lateResultFromALostWorkerIsRefused() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        #expect(dispatchAll(&ledger, to: w1) == [1])
        #expect(ledger.workerLost(w1).isEmpty)
        #expect(ledger.complete(CommandID(1), by: w1) == nil)
        #expect(dispatchAll(&ledger, to: w2) == [1])
        #expect(ledger.complete(CommandID(1), by: w1) == nil)
        #expect(ledger.complete(CommandID(1), by: w2) != nil)
    }

    @Test func lostCommandsBecomeSuspectsAheadOfNewWork() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "b")
        add(&ledger, 3, "c")
        #expect(dispatchAll(&ledger, to: w1) == [1, 2, 3])
        #expect(ledger.complete(CommandID(2), by: w1) != nil)
        add(&ledger, 4, "d")
        add(&ledger, 5, "a")
        #expect(ledger.workerLost(w1).isEmpty)
        #expect(ledger.commands(heldBy: w1).isEmpty)
        #expect(ledger.inFlightCount == 0)
        #expect(ledger.queuedCount == 4)
        for id in [1, 3] as [UInt64] {
            let entry = try #require(ledger.entry(CommandID(id)))
            #expect(entry.isSuspect)
            #expect(entry.workersLost == 1)
            #expect(entry.soloLosses == 0, "it died with company: not surely to blame")
        }
        #expect(ledger.entry(CommandID(4))?.isSuspect == false)
        // Each suspect goes alone to an idle worker, lowest id first, before d, which was waiting.
        #expect(dispatchAll(&ledger, to: w2, at: ms(10)) == [1], "w2 is isolated with its suspect")
        #expect(dispatchAll(&ledger, to: w3, at: ms(10)) == [3])
        #expect(dispatchAll(&ledger, to: WorkerID(4), at: ms(10)) == [4], "a's second command waits behind its first")
        let retried = try #require(ledger.entry(CommandID(1)))
        #expect(retried.attempts == 2)
        #expect(retried.owner == w2)
        #expect(retried.dispatchedAt == ms(10))
        // Finishing the suspect ends the isolation and unblocks its key.
        #expect(ledger.complete(CommandID(1), by: w2) != nil)
        #expect(dispatchAll(&ledger, to: w2) == [5])
    }

    @Test func aSuspectWaitsForAnIdleWorker() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "b")
        #expect(ledger.dispatchNext(to: w1, at: ms(0))?.id == CommandID(1))
        #expect(ledger.dispatchNext(to: w3, at: ms(0))?.id == CommandID(2))
        #expect(ledger.workerLost(w1).isEmpty)
        #expect(ledger.entry(CommandID(1))?.soloLosses == 1, "it was alone on w1")
        add(&ledger, 3, "c")
        // w3 is busy: it never gets the suspect, and it is set aside to run dry for it, so it gets no new work.
        #expect(ledger.dispatchNext(to: w3, at: ms(0)) == nil)
        #expect(ledger.hasDispatchable, "the suspect still waits")
        #expect(ledger.dispatchNext(to: w2, at: ms(0))?.id == CommandID(1), "idle: takes the suspect")
        #expect(ledger.dispatchNext(to: w2, at: ms(0)) == nil, "isolated while it runs the suspect")
        #expect(ledger.dispatchNext(to: w3, at: ms(0))?.id == CommandID(3), "no suspect waits: w3 takes work again")
        #expect(ledger.workerLost(w2).isEmpty)
        #expect(ledger.dispatchNext(to: w3, at: ms(0)) == nil, "w3 is busy with c2 and c3")
        #expect(ledger.dispatchNext(to: WorkerID(4), at: ms(0))?.id == CommandID(1))
        #expect(ledger.entry(CommandID(1))?.soloLosses == 2)
        #expect(ledger.entry(CommandID(1))?.workersLost == 2)
    }

    @Test func aSuspectIsNotStarvedWhenEveryWorkerStaysBusy() {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "s")
        add(&ledger, 2, "a")
        add(&ledger, 3, "b")
        #expect(ledger.dispatchNext(to: w1, at: ms(0))?.id == CommandID(1))
        #expect(ledger.dispatchNext(to: w2, at: ms(0))?.id == CommandID(2))
        #expect(ledger.dispatchNext(to: w3, at: ms(0))?.id == CommandID(3))
        #expect(ledger.workerLost(w1).isEmpty)
        // w2 and w3 stay busy: each round every worker asks for one more command, then finishes its oldest. Without
        // a worker set aside, neither would ever be idle when it asks, and the suspect would wait forever.
        var held: [WorkerID: [CommandID]] = [w2: [CommandID(2)], w3: [CommandID(3)]]
        var next: UInt64 = 10
        var suspectTakenBy: WorkerID?
        for round in 0..<10 where suspectTakenBy == nil {
            add(&ledger, next, "k\(next)")
            add(&ledger, next + 1, "k\(next + 1)")
            next += 2
            for worker in [w2, w3] {
                if let entry = ledger.dispatchNext(to: worker, at: ms(round)) {
                    if entry.id == CommandID(1) {
                        suspectTakenBy = worker
                    } else {
                        held[worker, default: []].append(entry.id)
                    }
                }
                if let oldest = held[worker]?.first {
                    held[worker]?.removeFirst()
                    #expect(ledger.complete(oldest, by: worker) != nil)
                }
            }
        }
        #expect(suspectTakenBy != nil)
    }

    @Test func anIdleWorkerTakesASuspectBeforeReadyWork() {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        _ = dispatchAll(&ledger, to: w1)
        _ = ledger.workerLost(w1)
        add(&ledger, 2, "b")
        #expect(ledger.dispatchNext(to: w2, at: ms(0))?.id == CommandID(1))
        #expect(ledger.dispatchNext(to: w2, at: ms(0)) == nil)
        #expect(ledger.dispatchNext(to: w3, at: ms(0))?.id == CommandID(2))
    }

    @Test func workerLostPreservesPerKeyOrder() throws {
        var ledger = DispatchLedger(quarantineAfter: 5)
        for id in 1...3 as ClosedRange<UInt64> { add(&ledger, id, "k") }
        var completed: [UInt64] = []
        var worker: UInt32 = 1
        // Lose the worker holding k's head twice before letting anything finish.
        for round in 0..<6 {
            let ids = dispatchAll(&ledger, to: WorkerID(worker))
            #expect(ids.count == 1)
            guard let id = ids.first else { break }
            if round % 3 == 2 {
                #expect(ledger.complete(CommandID(id), by: WorkerID(worker)) != nil)
                completed.append(id)
            } else {
                #expect(ledger.workerLost(WorkerID(worker)).isEmpty)
            }
            worker += 1
        }
        #expect(completed == [1, 2])
        #expect(ledger.entry(CommandID(3)) != nil)
    }

    @Test func quarantineRemovesTheEntryAndUnblocksItsKey() throws {
        var ledger = DispatchLedger(quarantineAfter: 2)
        add(&ledger, 1, "a")
        add(&ledger, 2, "a")
        add(&ledger, 3, "b")
        #expect(ledger.dispatchNext(to: w1, at: ms(0))?.id == CommandID(1))
        #expect(ledger.workerLost(w1).isEmpty)
        #expect(ledger.dispatchNext(to: w2, at: ms(5))?.id == CommandID(1))
        #expect(ledger.dispatchNext(to: w3, at: ms(5))?.id == CommandID(3))
        let quarantined = ledger.workerLost(w2)
        #expect(quarantined.map(\.id) == [CommandID(1)])
        #expect(quarantined.first?.workersLost == 2)
        #expect(quarantined.first?.attempts == 2)
        #expect(quarantined.first?.owner == nil)
        #expect(quarantined.first?.origin == CommandOrigin(partition: 0, offset: 1))
        #expect(ledger.entry(CommandID(1)) == nil)
        #expect(ledger.count == 2)
        #expect(ledger.inFlightCount == 1)
        #expect(ledger.queuedCount == 1)
        #expect(dispatchAll(&ledger, to: w1) == [2])
        #expect(ledger.complete(CommandID(1), by: w2) == nil)
    }

    @Test func bystandersOfACrashAreNeverQuarantined() throws {
        var ledger = DispatchLedger(quarantineAfter: 1)
        add(&ledger, 9, "x")
        add(&ledger, 4, "y")
        add(&ledger, 6, "z")
        #expect(dispatchAll(&ledger, to: w1) == [9, 4, 6])
        #expect(ledger.workerLost(w1).isEmpty, "three died together: nobody is surely to blame")
        #expect(ledger.count == 3)
        // Each then runs alone; only the one that kills its worker again is quarantined.
        #expect(dispatchAll(&ledger, to: w2) == [4])
        #expect(dispatchAll(&ledger, to: w3) == [6])
        #expect(dispatchAll(&ledger, to: WorkerID(4)) == [9])
        #expect(ledger.complete(CommandID(4), by: w2) != nil)
        #expect(ledger.complete(CommandID(9), by: WorkerID(4)) != nil)
        let quarantined = ledger.workerLost(w3)
        #expect(quarantined.map(\.id) == [CommandID(6)])
        #expect(quarantined.first?.workersLost == 2)
        #expect(quarantined.first?.soloLosses == 1)
        #expect(ledger.count == 0)
        #expect(ledger.inFlightCount == 0)
        #expect(!ledger.hasDispatchable)
    }

    @Test func quarantineThresholdIsAtLeastOne() {
        var ledger = DispatchLedger(quarantineAfter: 0)
        #expect(ledger.quarantineAfter == 1)
        add(&ledger, 1, "a")
        _ = dispatchAll(&ledger, to: w1)
        #expect(ledger.workerLost(w1).count == 1)
    }

    @Test func cancelQueued() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "a")
        add(&ledger, 3, "a")
        add(&ledger, 4, "b")
        #expect(ledger.dispatchNext(to: w1, at: ms(0))?.id == CommandID(1))
        #expect(ledger.cancelQueued(CommandID(1)) == false, "in flight: left alone")
        #expect(ledger.entry(CommandID(1))?.owner == w1)
        #expect(ledger.cancelQueued(CommandID(2)) == true, "queued behind the head")
        #expect(ledger.cancelQueued(CommandID(2)) == false, "already gone")
        #expect(ledger.cancelQueued(CommandID(42)) == false, "unknown")
        #expect(ledger.cancelQueued(CommandID(4)) == true, "a ready head")
        #expect(ledger.count == 2)
        #expect(dispatchAll(&ledger, to: w2) == [], "b is gone, a is busy")
        #expect(ledger.complete(CommandID(1), by: w1) != nil)
        #expect(dispatchAll(&ledger, to: w2) == [3])
    }

    @Test func cancellingAReadyHeadPromotesTheNextOfItsKey() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "a")
        add(&ledger, 3, "b")
        #expect(ledger.cancelQueued(CommandID(1)) == true)
        #expect(dispatchAll(&ledger, to: w1).sorted() == [2, 3])
        #expect(ledger.count == 2)
    }

    @Test func cancellingARequeuedCommand() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "a")
        _ = dispatchAll(&ledger, to: w1)
        _ = ledger.workerLost(w1)
        #expect(ledger.cancelQueued(CommandID(1)) == true)
        #expect(dispatchAll(&ledger, to: w2) == [2])
        #expect(dispatchAll(&ledger, to: w2) == [])
    }

    @Test func overdueReportsTheOldestLateCommandPerWorker() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        for id in 1...5 as ClosedRange<UInt64> { add(&ledger, id, "k\(id)") }
        // Dispatch times come from the monotonic clock: they never go backwards.
        #expect(ledger.dispatchNext(to: w3, at: ms(0))?.id == CommandID(1))
        #expect(ledger.dispatchNext(to: w1, at: ms(30))?.id == CommandID(2))
        #expect(ledger.dispatchNext(to: w2, at: ms(50))?.id == CommandID(3))
        #expect(ledger.dispatchNext(to: w1, at: ms(100))?.id == CommandID(4))
        #expect(ledger.dispatchNext(to: w2, at: ms(300))?.id == CommandID(5))
        #expect(ledger.oldestDispatch == ms(0))
        #expect(overdue(ledger, before: ms(0)) == [])
        #expect(overdue(ledger, before: ms(1)) == ["w3:c1"])
        #expect(overdue(ledger, before: ms(50)) == ["w1:c2", "w3:c1"], "strictly before the cutoff")
        #expect(overdue(ledger, before: ms(200)) == ["w1:c2", "w2:c3", "w3:c1"])
        #expect(ledger.complete(CommandID(2), by: w1) != nil)
        #expect(ledger.complete(CommandID(1), by: w3) != nil)
        #expect(overdue(ledger, before: ms(200)) == ["w1:c4", "w2:c3"])
        #expect(ledger.oldestDispatch == ms(50))
        #expect(ledger.complete(CommandID(3), by: w2) != nil)
        #expect(ledger.oldestDispatch == ms(100))
    }

    @Test func oldestDispatchFollowsRedispatchesAndCompletions() {
        var ledger = DispatchLedger(quarantineAfter: 5)
        add(&ledger, 1, "a")
        add(&ledger, 2, "b")
        #expect(ledger.dispatchNext(to: w1, at: ms(10))?.id == CommandID(1))
        #expect(ledger.dispatchNext(to: w2, at: ms(20))?.id == CommandID(2))
        #expect(ledger.oldestDispatch == ms(10))
        #expect(ledger.workerLost(w1).isEmpty)
        #expect(ledger.oldestDispatch == ms(20), "a lost command is not in flight")
        #expect(ledger.dispatchNext(to: w3, at: ms(40))?.id == CommandID(1))
        #expect(ledger.oldestDispatch == ms(20))
        #expect(ledger.complete(CommandID(2), by: w2) != nil)
        #expect(ledger.oldestDispatch == ms(40), "the re-dispatch counts, not the first dispatch")
        #expect(ledger.complete(CommandID(1), by: w3) != nil)
        #expect(ledger.oldestDispatch == nil)
        // Many short-lived dispatches do not confuse it.
        for id in 10..<400 as Range<UInt64> {
            add(&ledger, id, "k\(id % 7)")
            if let entry = ledger.dispatchNext(to: w1, at: ms(Int(id))) {
                #expect(ledger.complete(entry.id, by: w1) != nil)
            }
        }
        add(&ledger, 1000, "last")
        _ = ledger.dispatchNext(to: w2, at: ms(5000))
        #expect(ledger.oldestDispatch == ms(5000))
    }
}

/// A worker's load is counted once, by the ledger: the supervisor's dispatch and its pool resizing read it.
@Suite struct DispatchLedgerHeldCountTests {
    private func add(_ ledger: inout DispatchLedger, _ id: UInt64, _ key: String) {
        ledger.add(id: CommandID(id), key: key, payload: [], origin: CommandOrigin(partition: 0, offset: Int64(id)))
    }

    @Test func heldCountFollowsDispatchResultsDeferralsAndLosses() {
        let w1 = WorkerID(1)
        let w2 = WorkerID(2)
        var ledger = DispatchLedger(quarantineAfter: 3)
        for id in 1...4 { add(&ledger, UInt64(id), "k\(id)") }
        #expect(ledger.heldCount(by: w1) == 0)
        let dispatched = [
            ledger.dispatchNext(to: w1, at: ms(0)), ledger.dispatchNext(to: w1, at: ms(0)),
            ledger.dispatchNext(to: w2, at: ms(0)),
        ]
        #expect(dispatched.map { $0?.id.rawValue } == [1, 2, 3])
        #expect(ledger.heldCount(by: w1) == 2)
        #expect(ledger.heldCount(by: w2) == 1)
        #expect(ledger.heldCount(by: w1) + ledger.heldCount(by: w2) == ledger.inFlightCount)
        let completed = ledger.complete(CommandID(1), by: w1)
        #expect(completed != nil)
        #expect(ledger.heldCount(by: w1) == 1)
        let deferred = ledger.deferRetry(CommandID(2), by: w1, until: ms(100))
        #expect(deferred != nil)
        #expect(ledger.heldCount(by: w1) == 0)
        // A result from a worker that does not hold the command changes nothing.
        let stale = ledger.complete(CommandID(3), by: w1)
        #expect(stale == nil)
        #expect(ledger.heldCount(by: w2) == 1)
        _ = ledger.workerLost(w2)
        #expect(ledger.heldCount(by: w2) == 0)
        #expect(ledger.inFlightCount == 0)
    }
}
