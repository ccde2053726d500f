import SupervisorCore
import Testing

/// Random interleavings of add / dispatch / complete / workerLost / cancelQueued, checked step by step against a
/// simple model of what the ledger promises.
@Suite struct DispatchLedgerRandomizedTests {
    /// What the ledger should contain, kept the obvious way.
    struct Model {
        var quarantineAfter: Int
        var open: [String: [UInt64]] = [:]  // per key, in add order
        var keyOf: [UInt64: String] = [:]
        var owner: [UInt64: WorkerID] = [:]
        var lost: [UInt64: Int] = [:]
        var solo: [UInt64: Int] = [:]
        var attempts: [UInt64: UInt32] = [:]
        /// Workers running a suspect: they may be given nothing else.
        var isolated: Set<WorkerID> = []
        /// The busy worker set aside to run dry for a waiting suspect.
        var reserved: WorkerID?
        var added: [UInt64] = []
        var completed: [String: [UInt64]] = [:]
        var quarantined: Set<UInt64> = []
        var cancelled: Set<UInt64> = []

        var openCount: Int { open.values.reduce(0) { $0 + $1.count } }
        func isSuspect(_ id: UInt64) -> Bool { lost[id, default: 0] > 0 }
        /// Heads waiting for a worker.
        var queuedHeads: [UInt64] { open.values.compactMap { $0.first }.filter { owner[$0] == nil } }
        func holds(_ worker: WorkerID) -> [UInt64] { owner.filter { $0.value == worker }.map(\.key) }

        mutating func remove(_ id: UInt64) {
            let key = keyOf[id]!
            open[key]!.removeAll { $0 == id }
            if open[key]!.isEmpty { open[key] = nil }
            owner[id] = nil
        }
    }

    struct Run {
        var ledger: DispatchLedger
        var model: Model
        var generator: SeededGenerator
        var workers: [WorkerID] = [WorkerID(1), WorkerID(2), WorkerID(3)]
        var everyWorker: Set<WorkerID> = [WorkerID(1), WorkerID(2), WorkerID(3)]
        var nextWorker: UInt32 = 4
        var nextID: UInt64 = 1
        var clock = 0
        let keys = ["a", "b", "c", "d", "e", "f"]
        /// Problems seen while operating (checked by the test after every step).
        var failures: [String] = []

        init(seed: UInt64) {
            generator = SeededGenerator(seed: seed)
            let threshold = Int.random(in: 1...3, using: &generator)
            ledger = DispatchLedger(quarantineAfter: threshold)
            model = Model(quarantineAfter: threshold)
        }

        mutating func check(_ condition: Bool, _ message: @autoclosure () -> String = "", line: Int = #line) {
            if !condition { failures.append("line \(line): \(message())") }
        }

        mutating func add() {
            let id = nextID
            nextID += 1
            let key = keys.randomElement(using: &generator)!
            ledger.add(
                id: CommandID(id), key: key, payload: [UInt8(id & 0xFF)],
                origin: CommandOrigin(partition: 0, offset: Int64(id)))
            model.open[key, default: []].append(id)
            model.keyOf[id] = key
            model.attempts[id] = 0
            model.added.append(id)
        }

        mutating func dispatch() {
            let worker = workers.randomElement(using: &generator)!
            clock += 1
            let heads = model.queuedHeads
            let idle = model.holds(worker).isEmpty
            let isolated = model.isolated.contains(worker)
            let suspects = heads.filter { model.isSuspect($0) }
            let ready = heads.filter { !model.isSuspect($0) }
            if suspects.isEmpty { model.reserved = nil }
            let entry = ledger.dispatchNext(to: worker, at: ms(clock))
            guard let entry else {
                // Nothing for this worker: it is isolated, it is (now) set aside for a waiting suspect, or nothing fits.
                let reserves =
                    !isolated && !idle && !suspects.isEmpty && (model.reserved == nil || model.reserved == worker)
                if reserves { model.reserved = worker }
                check(
                    isolated || reserves || ((suspects.isEmpty || !idle) && ready.isEmpty),
                    "nothing dispatched to \(worker) (idle \(idle)) although suspects \(suspects) / ready \(ready) wait"
                )
                return
            }
            check(
                idle || suspects.isEmpty || (model.reserved != nil && model.reserved != worker),
                "busy \(worker) got work while a suspect waits and no other worker is set aside")
            if model.reserved == worker { model.reserved = nil }
            let id = entry.id.rawValue
            let key = entry.key
            check(!isolated, "\(worker) runs a suspect but was given \(id)")
            check(model.keyOf[id] == key)
            check(model.open[key]?.first == id, "dispatched \(id) out of order for key \(key)")
            check(model.open[key]?.allSatisfy { model.owner[$0] == nil } == true, "key \(key) already in flight")
            check(entry.owner == worker)
            if idle && !suspects.isEmpty {
                check(suspects.contains(id), "idle \(worker) got \(id) although suspects \(suspects) wait")
            } else {
                check(ready.contains(id), "busy \(worker) got \(id), not one of the ready \(ready)")
            }
            if model.isSuspect(id) { model.isolated.insert(worker) }
            model.owner[id] = worker
            model.attempts[id, default: 0] += 1
            check(entry.attempts == model.attempts[id])
        }

        mutating func complete() {
            let inFlight = model.owner.keys.sorted()
            guard let id = inFlight.randomElement(using: &generator) else { return }
            let rightful = model.owner[id]!
            if Int.random(in: 0..<10, using: &generator) == 0 {
                let wrong = everyWorker.filter { $0 != rightful }.sorted().randomElement(using: &generator)!
                check(ledger.complete(CommandID(id), by: wrong) == nil)
                return
            }
            let entry = ledger.complete(CommandID(id), by: rightful)
            check(entry?.id.rawValue == id)
            let key = model.keyOf[id]!
            model.completed[key, default: []].append(id)
            if model.isSuspect(id) { model.isolated.remove(rightful) }
            model.remove(id)
        }

        mutating func loseWorker() {
            let index = Int.random(in: 0..<workers.count, using: &generator)
            let worker = workers[index]
            let replacement = WorkerID(nextWorker)
            nextWorker += 1
            workers[index] = replacement
            everyWorker.insert(replacement)

            let held = model.holds(worker).sorted()
            var expected: [UInt64] = []
            for id in held {
                model.owner[id] = nil
                model.lost[id, default: 0] += 1
                if held.count == 1 { model.solo[id, default: 0] += 1 }
                if model.solo[id, default: 0] >= model.quarantineAfter { expected.append(id) }
            }
            model.isolated.remove(worker)
            if model.reserved == worker { model.reserved = nil }
            let quarantined = ledger.workerLost(worker)
            check(
                quarantined.map(\.id.rawValue) == expected, "quarantined \(quarantined.map(\.id)), expected \(expected)"
            )
            for entry in quarantined {
                check(entry.soloLosses == model.quarantineAfter)
                check(entry.owner == nil)
            }
            for id in expected {
                model.quarantined.insert(id)
                model.remove(id)
            }
        }

        mutating func cancel() {
            guard let id = model.keyOf.keys.sorted().randomElement(using: &generator) else { return }
            let isOpen = model.open[model.keyOf[id]!]?.contains(id) ?? false
            let expected = isOpen && model.owner[id] == nil
            check(ledger.cancelQueued(CommandID(id)) == expected)
            if expected {
                model.cancelled.insert(id)
                model.remove(id)
            }
        }

        /// Every broken promise, described; empty when the ledger agrees with the model.
        func problems() -> [String] {
            // Plain locals: closures below capture these, not a copy of the whole run.
            let ledger = self.ledger
            let open = model.open
            let owner = model.owner
            let lost = model.lost
            let solo = model.solo
            let attempts = model.attempts
            var problems: [String] = []
            func check(_ condition: Bool, _ message: @autoclosure () -> String) {
                if !condition { problems.append(message()) }
            }
            let openCount = model.openCount
            check(ledger.count == openCount, "count \(ledger.count), expected \(openCount)")
            check(ledger.inFlightCount == owner.count, "inFlightCount \(ledger.inFlightCount), expected \(owner.count)")
            check(ledger.queuedCount == openCount - owner.count, "queuedCount \(ledger.queuedCount)")
            check(ledger.hasDispatchable == !model.queuedHeads.isEmpty, "hasDispatchable \(ledger.hasDispatchable)")
            var held: [WorkerID: Set<CommandID>] = [:]
            for (id, worker) in owner { held[worker, default: []].insert(CommandID(id)) }
            for worker in everyWorker {
                let holding = held[worker, default: []]
                check(ledger.commands(heldBy: worker) == holding, "commands held by \(worker)")
                check(ledger.heldCount(by: worker) == holding.count, "heldCount of \(worker)")
                // A suspect runs alone.
                if holding.contains(where: { lost[$0.rawValue, default: 0] > 0 }) {
                    check(holding.count == 1, "\(worker) runs a suspect together with others: \(holding)")
                }
            }
            for (key, ids) in open {
                var flying: [UInt64] = []
                for id in ids {
                    if owner[id] != nil { flying.append(id) }
                    let entry = ledger.entry(CommandID(id))
                    check(entry?.owner == owner[id], "owner of \(id)")
                    check(entry?.workersLost == lost[id, default: 0], "workersLost of \(id)")
                    check(entry?.soloLosses == solo[id, default: 0], "soloLosses of \(id)")
                    check(entry?.isSuspect == (lost[id, default: 0] > 0), "isSuspect of \(id)")
                    check(entry?.attempts == attempts[id], "attempts of \(id)")
                }
                check(flying.count <= 1, "key \(key) has \(flying) in flight")
                if let id = flying.first { check(id == ids.first, "key \(key): \(id) runs before an earlier command") }
            }
            for (key, ids) in model.completed {
                check(ids == ids.sorted(), "key \(key) completed out of add order: \(ids)")
            }
            return problems
        }

        /// Lets everything left finish, which must always be possible.
        mutating func drain() {
            var rounds = 0
            while ledger.count > 0 && rounds < 10_000 {
                rounds += 1
                let worker = workers[rounds % workers.count]
                clock += 1
                while let entry = ledger.dispatchNext(to: worker, at: ms(clock)) {
                    model.owner[entry.id.rawValue] = worker
                }
                for (id, holder) in model.owner.sorted(by: { $0.key < $1.key }) {
                    check(ledger.complete(CommandID(id), by: holder) != nil)
                    model.completed[model.keyOf[id]!, default: []].append(id)
                    model.remove(id)
                }
            }
            model.isolated = []
            check(ledger.count == 0, "the ledger could not be drained")
            check(ledger.inFlightCount == 0)
            check(!ledger.hasDispatchable)
        }
    }

    @Test(arguments: 0..<300)
    func randomInterleaving(seed: Int) {
        var run = Run(seed: UInt64(seed) &* 0x9E37_79B9 &+ 1)
        for step in 0..<150 {
            switch Int.random(in: 0..<100, using: &run.generator) {
            case 0..<30: run.add()
            case 30..<62: run.dispatch()
            case 62..<85: run.complete()
            case 85..<93: run.loseWorker()
            default: run.cancel()
            }
            let problems = run.failures + run.problems()
            #expect(problems.isEmpty, "seed \(seed) step \(step): \(problems)")
            if !problems.isEmpty { return }
        }
        run.drain()
        #expect((run.failures + run.problems()).isEmpty, "seed \(seed) after draining")
        // Every command ended exactly one way.
        let completed = run.model.completed.values.flatMap { $0 }
        #expect(completed.count == Set(completed).count, "a command completed twice")
        let outcomes = Set(completed).union(run.model.quarantined).union(run.model.cancelled)
        #expect(outcomes.count == completed.count + run.model.quarantined.count + run.model.cancelled.count)
        #expect(outcomes == Set(run.model.added))
    }
}
