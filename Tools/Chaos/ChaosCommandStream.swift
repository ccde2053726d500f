import Demo
import DequeModule
import Events
import KubeManifests
import KubeSimulator

/// The run's commands, drawn from the seed: creates cycling through the runtime registry (each its own
/// execution id, so its own key), and deletes of earlier creates chosen at random among those old enough.
/// Every key lands on the partition its murmur2 hash picks, so all `saga_commands` partitions carry work and
/// a delete always follows its create in the same partition.
struct ChaosCommandStream: Sendable {
    /// One produced record.
    struct Record: Sendable {
        var index: Int
        var key: String
        var value: [UInt8]
    }

    private let run: UInt32
    /// The commands' `timestamp`: the time each is produced, as the saga stamps them (a command older than
    /// `workers.max_command_age` would be failed, not run).
    private let now: @Sendable () -> Timestamp
    private let deleteFraction: Double
    private let minimumAge: Int
    /// The registry's runtimes, cycled through (never empty: the upstream table).
    private let runtimes = RuntimeRegistry.upstream.entries
    private var random: SeededGenerator
    private var creates = 0
    /// Creates not yet old enough to delete, oldest first (command indices).
    private var young: Deque<Int> = []
    /// Creates old enough to delete and not deleted yet (command indices, any order).
    private var deletable: [Int] = []

    init(seed: UInt64, deleteFraction: Double, minimumAge: Int, now: @escaping @Sendable () -> Timestamp) {
        random = SeededGenerator(seed: seed)
        run = UInt32(truncatingIfNeeded: random.next())
        self.now = now
        self.deleteFraction = deleteFraction
        self.minimumAge = max(1, minimumAge)
    }

    /// The next command, recorded in `ledger`.
    mutating func next(ledger: inout ChaosLedger) -> Record {
        let index = ledger.commands.count
        while let oldest = young.first, oldest <= index - minimumAge {
            deletable.append(young.removeFirst())
        }
        if !deletable.isEmpty, random.unit() < deleteFraction {
            let pick = Int(random.next(upperBound: UInt64(deletable.count)))
            deletable.swapAt(pick, deletable.count - 1)
            let target = deletable.removeLast()
            let executionID = ledger.commands[target].executionID
            let record = DemoPlan.delete(executionID: executionID, run: run, index: index, now: now())
            ledger.recordProduced(.delete(target: target), executionID: executionID)
            return Record(index: index, key: record.key, value: record.value)
        }
        let entry = runtimes[creates % runtimes.count]
        let record = DemoPlan.validCreate(run: run, index: creates, entry: entry, now: now())
        creates += 1
        ledger.recordProduced(.create, executionID: record.key)
        young.append(index)
        return Record(index: index, key: record.key, value: record.value)
    }
}
