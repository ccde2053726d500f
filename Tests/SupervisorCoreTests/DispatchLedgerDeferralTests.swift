import SupervisorCore
import Testing

/// Commands a worker sends back with "retry later": they wait for their time, keep their key blocked, and are
/// never lost by a revocation or a worker death meanwhile.
@Suite struct DispatchLedgerDeferralTests {
    let w1 = WorkerID(1)
    let w2 = WorkerID(2)

    private func add(_ ledger: inout DispatchLedger, _ id: UInt64, _ key: String, partition: Int32 = 0) {
        ledger.add(
            id: CommandID(id), key: key, payload: Array("payload-\(id)".utf8),
            origin: CommandOrigin(partition: partition, offset: Int64(id)))
    }

    @Test func deferredCommandWaitsForItsTimeAndKeepsItsKeyBlocked() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "a")
        add(&ledger, 3, "b")
        #expect(ledger.dispatchNext(to: w1, at: ms(0))?.id == CommandID(1))
        let deferral = ledger.deferRetry(CommandID(1), by: w1, until: ms(1000))
        let deferred = try #require(deferral)
        #expect(deferred.deferrals == 1)
        #expect(deferred.owner == nil)
        #expect(ledger.inFlightCount == 0)
        #expect(ledger.deferredCount == 1)
        #expect(ledger.nextDeferredRetry == ms(1000))
        // Only the other key may run; the second command of "a" stays behind the deferred one.
        #expect(ledger.dispatchNext(to: w1, at: ms(10))?.id == CommandID(3))
        #expect(ledger.dispatchNext(to: w1, at: ms(10)) == nil)
        ledger.promoteDeferred(now: ms(999))
        #expect(ledger.dispatchNext(to: w2, at: ms(999)) == nil, "not before its time")
        ledger.promoteDeferred(now: ms(1000))
        #expect(ledger.deferredCount == 0)
        let redispatched = ledger.dispatchNext(to: w2, at: ms(1000))
        let again = try #require(redispatched)
        #expect(again.id == CommandID(1))
        #expect(again.attempts == 2)
        #expect(ledger.complete(CommandID(1), by: w2) != nil)
        #expect(ledger.dispatchNext(to: w2, at: ms(1001))?.id == CommandID(2), "the key moves on in order")
    }

    /// The 500s each dispatch's retry-later reports add up, so `workers.max_create_attempts` counts over every
    /// dispatch; the command's own timestamp (its expiry's start) stays with it.
    @Test func createAttemptsAddUpAcrossDeferralsAndTheTimestampStays() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        ledger.add(
            id: CommandID(1), key: "a", payload: [], origin: CommandOrigin(partition: 0, offset: 1),
            issuedAtMilliseconds: 1_765_000_000_123)
        var now = 0
        for reported in [4, 0, 10] as [UInt32] {
            let dispatched = ledger.dispatchNext(to: w1, at: ms(now))
            #expect(dispatched != nil)
            let deferred = ledger.deferRetry(CommandID(1), by: w1, until: ms(now + 1), createAttempts: reported)
            #expect(deferred != nil)
            now += 1
            ledger.promoteDeferred(now: ms(now))
        }
        let last = ledger.dispatchNext(to: w1, at: ms(now))
        let entry = try #require(last)
        #expect(entry.createAttempts == 14)
        #expect(entry.attempts == 4 && entry.deferrals == 3)
        #expect(entry.issuedAtMilliseconds == 1_765_000_000_123)
        _ = ledger.deferRetry(CommandID(1), by: w1, until: ms(now + 1), createAttempts: .max)
        #expect(ledger.entry(CommandID(1))?.createAttempts == .max, "saturates")
    }

    @Test func onlyTheHolderCanDeferAndOnlyOnce() {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        #expect(ledger.deferRetry(CommandID(1), by: w1, until: ms(5)) == nil, "queued, not held")
        _ = ledger.dispatchNext(to: w1, at: ms(0))
        #expect(ledger.deferRetry(CommandID(1), by: w2, until: ms(5)) == nil, "held by another worker")
        #expect(ledger.deferRetry(CommandID(1), by: w1, until: ms(5)) != nil)
        #expect(ledger.deferRetry(CommandID(1), by: w1, until: ms(5)) == nil, "no longer held")
        #expect(ledger.complete(CommandID(1), by: w1) == nil, "a stale result after the deferral is refused")
    }

    @Test func earlierRetryTimesComeFirstWhateverTheOrderOfDeferral() {
        var ledger = DispatchLedger(quarantineAfter: 3)
        for id in 1...3 { add(&ledger, UInt64(id), "k\(id)") }
        for _ in 1...3 { _ = ledger.dispatchNext(to: w1, at: ms(0)) }
        _ = ledger.deferRetry(CommandID(1), by: w1, until: ms(300))
        _ = ledger.deferRetry(CommandID(2), by: w1, until: ms(100))
        _ = ledger.deferRetry(CommandID(3), by: w1, until: ms(200))
        #expect(ledger.nextDeferredRetry == ms(100))
        ledger.promoteDeferred(now: ms(250))
        #expect(ledger.deferredCount == 1)
        var order: [UInt64] = []
        while let entry = ledger.dispatchNext(to: w2, at: ms(250)) { order.append(entry.id.rawValue) }
        #expect(order == [2, 3])
        #expect(ledger.nextDeferredRetry == ms(300))
    }

    @Test func withdrawingADeferredCommandFreesItsKeyAndForgetsTheTimer() {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a", partition: 4)
        add(&ledger, 2, "a", partition: 5)
        _ = ledger.dispatchNext(to: w1, at: ms(0))
        _ = ledger.deferRetry(CommandID(1), by: w1, until: ms(1000))
        let withdrawn = ledger.withdrawQueued { $0.partition == 4 }
        #expect(withdrawn.map(\.id) == [CommandID(1)])
        #expect(ledger.deferredCount == 0)
        #expect(ledger.nextDeferredRetry == nil)
        #expect(ledger.dispatchNext(to: w1, at: ms(1))?.id == CommandID(2), "the next command of the key runs now")
        ledger.promoteDeferred(now: ms(2000))
        #expect(ledger.dispatchNext(to: w1, at: ms(2000)) == nil, "nothing is promoted twice")
    }

    @Test func aDeferredSuspectStillRunsAlone() throws {
        var ledger = DispatchLedger(quarantineAfter: 3)
        add(&ledger, 1, "a")
        add(&ledger, 2, "b")
        _ = ledger.dispatchNext(to: w1, at: ms(0))
        #expect(ledger.workerLost(w1).isEmpty)
        let first = ledger.dispatchNext(to: w2, at: ms(1))
        let suspect = try #require(first)
        #expect(suspect.id == CommandID(1))
        _ = ledger.deferRetry(CommandID(1), by: w2, until: ms(10))
        #expect(ledger.dispatchNext(to: w2, at: ms(2))?.id == CommandID(2), "the worker is no longer isolated")
        ledger.promoteDeferred(now: ms(10))
        #expect(ledger.dispatchNext(to: w2, at: ms(10)) == nil, "a suspect waits for an idle worker")
        _ = ledger.complete(CommandID(2), by: w2)
        #expect(ledger.dispatchNext(to: w2, at: ms(11))?.id == CommandID(1))
    }
}
