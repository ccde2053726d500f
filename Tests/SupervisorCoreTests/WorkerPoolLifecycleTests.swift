import SupervisorCore
import Testing

/// Spawning, handshakes, heartbeats and restarts of the pure pool state machine.
@Suite struct WorkerPoolLifecycleTests {
    @Test func bootSpawnsEverySlotAtOnce() throws {
        var driver = PoolDriver(count: 3)
        #expect(driver.pool.booting)
        #expect(driver.pool.nextDeadline() == ms(0), "empty slots want filling now")
        let first = driver.tick(at: 0)
        #expect(first == [.spawn(WorkerID(1)), .spawn(WorkerID(2)), .spawn(WorkerID(3))])
        #expect(driver.pool.startingCount == 3)
        #expect(driver.pool.targetSize == 3)
        #expect(!driver.pool.isConverged)
        #expect(driver.tick(at: 50).spawned.isEmpty)
        driver.pool.handshakeCompleted(WorkerID(1), now: ms(80))
        driver.pool.handshakeCompleted(WorkerID(3), now: ms(90))
        #expect(driver.pool.booting)
        #expect(driver.pool.readyWorkers == ids(1, 3))
        driver.pool.handshakeCompleted(WorkerID(2), now: ms(100))
        #expect(!driver.pool.booting)
        #expect(driver.pool.isConverged)
        let worker = try #require(driver.pool.worker(WorkerID(2)))
        #expect(worker.phase == .ready)
        #expect(worker.readyAt == ms(100))
        #expect(worker.spawnedAt == ms(0))
        #expect(Set(driver.pool.workers.values.compactMap(\.slot)) == [0, 1, 2])
    }

    @Test func handshakeForAnUnknownOrReadyWorkerIsIgnored() {
        var driver = PoolDriver.booted(count: 1)
        driver.pool.handshakeCompleted(WorkerID(1), now: ms(5000))
        #expect(driver.pool.worker(WorkerID(1))?.readyAt == ms(100))
        driver.pool.handshakeCompleted(WorkerID(99), now: ms(5000))
        driver.pool.heard(WorkerID(99), now: ms(5000))
        #expect(driver.pool.workers.count == 1)
    }

    @Test func afterBootOnlyOneWorkerStartsAtATime() {
        var driver = PoolDriver.booted(count: 3)
        #expect(driver.pool.workerExited(WorkerID(1), now: ms(1000), jitter: 0.5) == true)
        #expect(driver.pool.workerExited(WorkerID(2), now: ms(1000), jitter: 0.5) == true)
        #expect(driver.pool.restarts == 2)
        #expect(driver.tick(at: 1050).spawned.isEmpty, "still backing off")
        #expect(driver.tick(at: 1150).spawned == ids(4))
        #expect(driver.tick(at: 1300).spawned.isEmpty, "one is already starting")
        #expect(driver.tick(at: 2000).spawned.isEmpty)
        driver.pool.handshakeCompleted(WorkerID(4), now: ms(2100))
        #expect(driver.tick(at: 2200).spawned == ids(5))
        driver.pool.handshakeCompleted(WorkerID(5), now: ms(2300))
        #expect(driver.tick(at: 2400).spawned.isEmpty)
        #expect(driver.pool.isConverged)
    }

    @Test func missingHandshakeIsKilledAfterTheTimeout() {
        var driver = PoolDriver(count: 3)
        _ = driver.tick(at: 0)
        driver.pool.handshakeCompleted(WorkerID(1), now: ms(100))
        let quiet = driver.run(to: 10_000, every: 500)
        #expect(quiet.allActions.killed.isEmpty, "exactly at the timeout is not past it")
        let late = driver.tick(at: 10_001)
        #expect(late.killed == ids(2, 3))
        #expect(late.killReasons.allSatisfy { $0.contains("handshake") })
        #expect(driver.pool.worker(WorkerID(2))?.phase == .exiting)
        #expect(driver.pool.worker(WorkerID(1))?.phase == .ready)
        #expect(driver.run(to: 12_000, every: 500).allActions.killed.isEmpty, "killed once")
        // A worker that never said hello is replaced with backoff, like a crash.
        #expect(driver.pool.workerExited(WorkerID(2), now: ms(12_000), jitter: 0.5) == true)
    }

    @Test func silentWorkerIsKilledAfterTheHeartbeatTimeout() {
        var driver = PoolDriver.booted(count: 3)
        let log = driver.run(to: 8000, every: 500, silent: [WorkerID(3)])
        let kills = log.filter { !$0.actions.killed.isEmpty }
        #expect(kills.map(\.time) == [5500], "last heard at 100 ms, timeout 5 s, ticks every 500 ms")
        #expect(kills.first?.actions.killed == ids(3))
        #expect(kills.first?.actions.killReasons.first?.contains("heartbeat") == true)
        #expect(driver.pool.worker(WorkerID(3))?.phase == .exiting)
        #expect(driver.pool.readyWorkers == ids(1, 2))
        #expect(
            !log.filter { $0.time > 5500 }.allActions.pinged.contains(WorkerID(3)), "exiting workers are not pinged")
    }

    @Test func pingsGoToReadyWorkersAtTheInterval() {
        var driver = PoolDriver(count: 3)
        _ = driver.tick(at: 0)
        driver.pool.handshakeCompleted(WorkerID(1), now: ms(100))
        driver.pool.handshakeCompleted(WorkerID(2), now: ms(100))
        let log = driver.run(to: 5000, every: 250)
        #expect(log.pingTimes(WorkerID(1)) == [1000, 2000, 3000, 4000, 5000])
        #expect(log.pingTimes(WorkerID(2)) == [1000, 2000, 3000, 4000, 5000])
        #expect(log.pingTimes(WorkerID(3)).isEmpty, "a starting worker is not pinged")
        for entry in log where !entry.actions.pinged.isEmpty {
            #expect(entry.actions.pinged == ids(1, 2), "one ping per ready worker, in id order")
        }
    }

    @Test func irregularTicksPingOncePerInterval() {
        var driver = PoolDriver.booted(count: 1)
        var pingTimes: [Int] = []
        for time in [300, 900, 1000, 1100, 1700, 1999, 2000, 2600, 3100] {
            driver.pool.heard(WorkerID(1), now: ms(time))
            if !driver.tick(at: time).pinged.isEmpty { pingTimes.append(time) }
        }
        #expect(pingTimes == [1000, 2000, 3100])
    }

    @Test func aStalledSupervisorDoesNotKillItsWorkers() {
        var driver = PoolDriver.booted(count: 3)
        _ = driver.run(to: 2000, every: 500)
        // The supervisor itself was stopped for 98 s: nobody could have been heard.
        let resumed = driver.tick(at: 100_000)
        #expect(resumed.killed.isEmpty)
        #expect(resumed.pinged == ids(1, 2, 3))
        #expect(driver.pool.readyCount == 3)
        // The amnesty is not permanent: a worker that stays silent after the stall is still caught.
        let after = driver.run(to: 110_000, every: 500, silent: [WorkerID(2)])
        let kills = after.filter { !$0.actions.killed.isEmpty }
        #expect(kills.map(\.time) == [105_500])
        #expect(kills.first?.actions.killed == ids(2))
    }

    @Test func aStalledSupervisorDoesNotKillWorkersStillStarting() {
        var driver = PoolDriver(count: 2)
        _ = driver.tick(at: 0)
        driver.pool.handshakeCompleted(WorkerID(1), now: ms(100))
        _ = driver.run(to: 2000, every: 500)
        // Stalled for far longer than the 10 s handshake timeout; worker 2 had no chance to be heard either.
        let resumed = driver.tick(at: 60_000)
        #expect(resumed.killed.isEmpty)
    }

    @Test func crashedSlotRestartsAfterItsBackoffAndNotBefore() throws {
        var driver = PoolDriver.booted(count: 3)
        _ = driver.run(to: 1000, every: 250)
        let slot = driver.pool.worker(WorkerID(2))?.slot
        #expect(driver.pool.workerExited(WorkerID(2), now: ms(1000), jitter: 0.5) == true)
        #expect(driver.pool.worker(WorkerID(2)) == nil)
        #expect(driver.pool.restarts == 1)
        #expect(driver.pool.nextDeadline().map { $0 <= ms(1100) } == true)
        #expect(driver.tick(at: 1099).spawned.isEmpty, "first backoff is 100 ms")
        #expect(driver.tick(at: 1101).spawned == ids(4))
        #expect(driver.pool.worker(WorkerID(4))?.slot == slot, "the replacement takes the same slot")

        // Crashing again soon after: the slot's backoff doubles.
        driver.pool.handshakeCompleted(WorkerID(4), now: ms(1200))
        _ = driver.run(to: 2000, every: 250)
        #expect(driver.pool.workerExited(WorkerID(4), now: ms(2000), jitter: 0.5) == true)
        #expect(driver.tick(at: 2199).spawned.isEmpty, "second backoff is 200 ms")
        #expect(driver.tick(at: 2201).spawned == ids(5))

        // A worker that stayed up longer than reset_after resets the slot's backoff.
        driver.pool.handshakeCompleted(WorkerID(5), now: ms(2300))
        _ = driver.run(to: 13_000, every: 500)
        #expect(driver.pool.workerExited(WorkerID(5), now: ms(13_000), jitter: 0.5) == true)
        #expect(driver.tick(at: 13_099).spawned.isEmpty)
        #expect(driver.tick(at: 13_101).spawned == ids(6))
        #expect(driver.pool.restarts == 3)
    }

    @Test func crashLoopHoldsSlotsAtTheMaximumBackoff() {
        var driver = PoolDriver.booted(count: 5)
        for worker in 1...5 as ClosedRange<UInt32> {
            _ = driver.pool.workerExited(WorkerID(worker), now: ms(1000), jitter: 0.5)
        }
        #expect(driver.pool.restart.inCrashLoop(at: ms(1000)))
        var spawnTimes: [Int] = []
        for time in stride(from: 1500, through: 32_000, by: 500) {
            driver.helloAll(at: time)
            for worker in driver.pool.readyWorkers { driver.pool.heard(worker, now: ms(time)) }
            spawnTimes += driver.tick(at: time).spawned.map { _ in time }
        }
        // The first four crashes got the normal backoff (and start one at a time); the fifth tripped the breaker
        // and waits the maximum of 30 s.
        #expect(spawnTimes == [1500, 2000, 2500, 3000, 31_000])
        #expect(driver.pool.isConverged)
    }

    @Test func expectedExitsAreNotCrashes() {
        var driver = PoolDriver.booted(count: 2)
        driver.pool.expectExit(WorkerID(1))
        #expect(driver.pool.worker(WorkerID(1))?.exitExpected == true)
        #expect(driver.pool.workerExited(WorkerID(1), now: ms(1000), jitter: 0.5) == false)
        #expect(driver.pool.restarts == 0)
        #expect(driver.pool.restart.crashCount(at: ms(1000)) == 0)
        #expect(driver.tick(at: 1000).spawned == ids(3), "an intended exit is replaced without backoff")
        #expect(driver.pool.workerExited(WorkerID(77), now: ms(1000), jitter: 0.5) == false, "unknown worker")
    }

    @Test func nextDeadlineCoversPingsHandshakesAndHeartbeats() {
        var driver = PoolDriver(count: 2)
        _ = driver.tick(at: 0)
        #expect(driver.pool.nextDeadline() == ms(1000), "next ping before the 10 s handshake deadline")
        driver.pool.handshakeCompleted(WorkerID(1), now: ms(100))
        driver.pool.handshakeCompleted(WorkerID(2), now: ms(100))
        _ = driver.tick(at: 1000)
        #expect(driver.pool.nextDeadline() == ms(2000))
        driver.pool.markExiting(WorkerID(1))
        driver.pool.markExiting(WorkerID(2))
        #expect(driver.pool.nextDeadline() == ms(2000), "exiting workers have no deadline")
    }
}
