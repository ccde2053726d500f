import SupervisorCore
import Testing

/// Growing, shrinking and shutting down the pool.
@Suite struct WorkerPoolResizeTests {
    @Test func growingAddsSlotsFilledOneAtATime() {
        var driver = PoolDriver.booted(count: 2)
        #expect(driver.pool.resize(to: 5, now: ms(1000)) { _ in 0 } == [])
        #expect(driver.pool.targetSize == 5)
        #expect(!driver.pool.isConverged)
        var spawned: [WorkerID] = []
        for (index, time) in stride(from: 1000, through: 1900, by: 100).enumerated() {
            if index % 3 == 2 { driver.helloAll(at: time) }
            let new = driver.tick(at: time).spawned
            #expect(new.count <= 1, "at \(time) ms")
            #expect(driver.pool.startingCount <= 1)
            spawned += new
        }
        #expect(spawned == ids(3, 4, 5))
        driver.helloAll(at: 2000)
        #expect(driver.pool.isConverged)
        #expect(driver.pool.readyCount == 5)
    }

    @Test func growingFromAnEmptyPoolIsAlsoOneAtATime() {
        // workers.count = 0 is valid; a reload then grows the pool.
        var driver = PoolDriver(count: 0)
        #expect(driver.tick(at: 0).isEmpty)
        #expect(driver.pool.isConverged)
        _ = driver.pool.resize(to: 3, now: ms(1000)) { _ in 0 }
        let spawned = driver.tick(at: 1000).spawned
        #expect(spawned.count == 1)
    }

    @Test func resizeToTheSameSizeDoesNothing() {
        var driver = PoolDriver.booted(count: 2)
        #expect(driver.pool.resize(to: 2, now: ms(500)) { _ in 0 } == [])
        #expect(driver.pool.resize(to: -4, now: ms(500)) { _ in 0 }.drained.count == 2, "negative means zero")
        #expect(driver.pool.targetSize == 0)
    }

    @Test func shrinkingDrainsTheIdleAndLeastLoadedReadyWorkers() throws {
        var driver = PoolDriver.booted(count: 4)
        let load: [WorkerID: Int] = [WorkerID(1): 3, WorkerID(2): 0, WorkerID(3): 1, WorkerID(4): 5]
        let actions = driver.pool.resize(to: 2, now: ms(1000)) { load[$0] ?? 0 }
        #expect(actions.killed.isEmpty)
        #expect(Set(actions.drained) == Set(ids(2, 3)))
        #expect(actions.count == 2)
        #expect(driver.pool.targetSize == 2)
        for id in ids(2, 3) {
            let worker = try #require(driver.pool.worker(id))
            #expect(worker.phase == .draining)
            #expect(worker.slot == nil)
            #expect(worker.exitExpected)
        }
        #expect(Set(ids(1, 4).compactMap { driver.pool.worker($0)?.slot }) == [0, 1], "survivors are renumbered")
        #expect(driver.pool.drainingCount == 2)
        #expect(!driver.pool.isConverged)
        // Draining workers are still watched: pinged, and nothing is spawned in their place.
        let log = driver.run(to: 3000, every: 500)
        #expect(log.allActions.spawned.isEmpty)
        #expect(log.pingTimes(WorkerID(2)) == [1000, 2000, 3000])
        #expect(driver.pool.workerExited(WorkerID(2), now: ms(3000), jitter: 0.5) == false)
        #expect(driver.pool.workerExited(WorkerID(3), now: ms(3000), jitter: 0.5) == false)
        #expect(driver.pool.restarts == 0)
        #expect(driver.pool.isConverged)
        #expect(driver.run(to: 5000, every: 500).allActions.spawned.isEmpty)
    }

    @Test func aSilentDrainingWorkerIsStillKilled() {
        var driver = PoolDriver.booted(count: 2)
        #expect(driver.pool.resize(to: 1, now: ms(500)) { $0 == WorkerID(1) ? 1 : 0 }.drained == ids(2))
        let log = driver.run(to: 8000, every: 500, silent: [WorkerID(2)])
        let kills = log.filter { !$0.actions.killed.isEmpty }
        #expect(kills.map(\.time) == [5500])
        #expect(kills.first?.actions.killed == ids(2))
        #expect(driver.pool.worker(WorkerID(2))?.phase == .exiting)
        let crashed = driver.pool.workerExited(WorkerID(2), now: ms(8000), jitter: 0.5)
        #expect(!crashed, "its exit was expected when it was told to drain")
    }

    @Test func shrinkingKillsStartingWorkersBeforeDrainingReadyOnes() {
        var driver = PoolDriver.booted(count: 3)
        _ = driver.pool.resize(to: 4, now: ms(1000)) { _ in 0 }
        #expect(driver.tick(at: 1000).spawned == ids(4))
        let actions = driver.pool.resize(to: 3, now: ms(1100)) { _ in 0 }
        #expect(actions.killed == ids(4))
        #expect(actions.count == 1, "nobody ready is drained")
        #expect(driver.pool.worker(WorkerID(4))?.phase == .exiting)
        #expect(driver.pool.worker(WorkerID(4))?.exitExpected == true)
        #expect(driver.pool.readyCount == 3)
        #expect(driver.pool.workerExited(WorkerID(4), now: ms(1200), jitter: 0.5) == false)
        #expect(driver.pool.isConverged)
    }

    @Test func shrinkingFarKillsStartingAndDrainsTheLeastLoaded() {
        var driver = PoolDriver.booted(count: 4)
        #expect(driver.pool.workerExited(WorkerID(4), now: ms(1000), jitter: 0.5) == true)
        #expect(driver.tick(at: 1200).spawned == ids(5))
        let load: [WorkerID: Int] = [WorkerID(1): 0, WorkerID(2): 2, WorkerID(3): 1]
        let actions = driver.pool.resize(to: 1, now: ms(1300)) { load[$0] ?? 0 }
        #expect(actions.killed == ids(5))
        #expect(Set(actions.drained) == Set(ids(1, 3)))
        #expect(driver.pool.worker(WorkerID(2))?.slot == 0)
        #expect(driver.pool.worker(WorkerID(2))?.phase == .ready)
    }

    @Test func shrinkingDropsEmptySlotsFirst() {
        var driver = PoolDriver.booted(count: 3)
        _ = driver.pool.workerExited(WorkerID(2), now: ms(1000), jitter: 0.5)
        let actions = driver.pool.resize(to: 2, now: ms(1010)) { _ in 0 }
        #expect(actions.isEmpty, "the crashed worker's empty slot goes, nobody is drained")
        #expect(driver.pool.isConverged)
        #expect(driver.run(to: 5000, every: 500).allActions.spawned.isEmpty)
    }

    @Test func shutdownDrainsEverythingAndStopsSpawning() throws {
        var driver = PoolDriver.booted(count: 3)
        #expect(driver.pool.workerExited(WorkerID(3), now: ms(1000), jitter: 0.5) == true)
        #expect(driver.tick(at: 1200).spawned == ids(4))
        let actions = driver.pool.beginShutdown()
        #expect(driver.pool.stopping)
        #expect(actions.drained == ids(1, 2))
        #expect(actions.killed == ids(4))
        #expect(driver.pool.worker(WorkerID(4))?.phase == .exiting)
        for id in ids(1, 2, 4) { #expect(driver.pool.worker(id)?.exitExpected == true) }
        #expect(driver.pool.drainingCount == 2)
        #expect(!driver.pool.isConverged)
        // Nothing new starts, even for slots that fall empty.
        #expect(driver.pool.workerExited(WorkerID(4), now: ms(1300), jitter: 0.5) == false)
        #expect(driver.pool.workerExited(WorkerID(1), now: ms(1400), jitter: 0.5) == false)
        let log = driver.run(to: 10_000, every: 500)
        #expect(log.allActions.spawned.isEmpty)
        #expect(log.pingTimes(WorkerID(2)).count >= 8, "draining workers are still pinged")
        #expect(driver.pool.restarts == 1)
        // Shutting down twice changes nothing.
        #expect(driver.pool.beginShutdown().isEmpty)
        #expect(driver.pool.workerExited(WorkerID(2), now: ms(10_000), jitter: 0.5) == false)
        #expect(driver.pool.workers.isEmpty)
        #expect(driver.pool.nextDeadline().map { $0 > ms(10_000) } == true, "only the ping timer is left")
    }
}
