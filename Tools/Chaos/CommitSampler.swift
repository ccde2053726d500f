import Glibc
import KafkaClient
import KubeSimulator
import Platform

/// Samples, on a thread of its own, the product's consumer group's committed offsets, then the topics' high
/// watermarks, then the Pods of deleted executions (see ``ChaosVerdict`` for why in that order), without joining
/// the group (OffsetFetch and ListOffsets only). Its own thread, because librdkafka's watermark query waits for
/// a partition leader that is down however short its timeout — the driver, which brings brokers back up, must
/// never wait on it.
///
/// The supervisor is frozen (SIGSTOP) while a sample is read and thawed (SIGCONT) right after: a frozen
/// supervisor neither commits nor publishes, so the commit read is compared with the work as it stood when that
/// commit was made, not as it stands a moment later when the work may have caught up. (Without the freeze,
/// committing on consumption — the bug this check exists for — passes whenever work finishes within the sampling
/// delay.) The driver thaws a supervisor left frozen longer than a second (a reading stuck on a broker that is
/// down), so a freeze is a pause of tens of milliseconds, like a long garbage-collection pause.
final class CommitSampler: Sendable {
    /// One reading.
    struct Reading: Sendable {
        /// Committed position per command partition (partitions without a commit are absent).
        var committed: [Int32: Int64]
        /// End offsets (high watermarks) per topic and partition, read after `committed`: the event topics' while
        /// the supervisor was still frozen, the command topic's after.
        var watermarks: [String: [Int32: Int64]]
        /// Deleted executions not below an earlier commit whose Pod was live, looked up after the watermarks.
        var livePodsOfDeletes: Set<String>
        /// Seconds from the start of the run at which the committed offsets were read.
        var at: Double
        /// Seconds from reading the committed offsets to reading the event topics' ends.
        var took: Double
    }

    struct Topics: Sendable {
        var command: (name: String, partitions: Int)
        var events: [(name: String, partitions: Int)]
        var all: [(name: String, partitions: Int)] { [command] + events }
    }

    private struct State {
        var latest: Reading?
        /// A labelled sample asked for by the driver, and how many such requests were served.
        var request: String?
        var served = 0
        var skipped = 0
        /// Why the last reading failed.
        var lastError: String?
        /// Freezes of the supervisor, their total and longest length in seconds.
        var freezes = 0
        var frozenSeconds = 0.0
        var longestFreeze = 0.0
        /// The highest committed position recorded per partition: deletes below it were checked already.
        var floor: [Int32: Int64] = [:]
    }

    /// Samples recorded in the ledger are those whose readings took at most this long: a slow reading (a broker
    /// down) would compare an old commit with newer watermarks and prove less.
    static let promptness = 1.0

    private let bootstrapServers: [String]
    private let group: String
    private let topics: Topics
    private let interval: Double
    private let timeout: Duration
    private let ledger: SharedLedger
    private let freezer: SupervisorFreezer
    private let simulator: APISimulator
    private let namespace: String
    private let started: Double
    private let state = Locked(State())
    private let thread = WorkerThread(name: "sampler")

    init(
        bootstrapServers: [String], group: String, topics: Topics, interval: Duration, ledger: SharedLedger,
        freezer: SupervisorFreezer, simulator: APISimulator, namespace: String, started: Double
    ) {
        self.freezer = freezer
        self.bootstrapServers = bootstrapServers
        self.group = group
        self.topics = topics
        self.interval = interval.seconds
        timeout = .seconds(2)
        self.ledger = ledger
        self.simulator = simulator
        self.namespace = namespace
        self.started = started
    }

    /// The latest reading, if any.
    var latest: Reading? { state.withLock { $0.latest } }
    /// Readings that failed or were too slow to record, and why the last one failed.
    var skipped: (count: Int, lastError: String?) { state.withLock { ($0.skipped, $0.lastError) } }
    /// How often and how long the supervisor was frozen for readings.
    var freezes: (count: Int, averageMilliseconds: Int, longestMilliseconds: Int) {
        state.withLock { state in
            (
                state.freezes, state.freezes > 0 ? Int(state.frozenSeconds * 1000 / Double(state.freezes)) : 0,
                Int(state.longestFreeze * 1000)
            )
        }
    }
    /// Why the thread gave up, if it did.
    var failed: String? { thread.failed }

    func start() throws(ChaosError) { try thread.start { [self] in body() } }

    func stop() { thread.stop() }

    /// Asks for a sample labelled `label` now and waits for it until `deadline` (monotonic seconds). For the
    /// sample between a supervisor's SIGKILL and its successor, the committed offsets are read until two
    /// readings agree, so that a commit the dead process had sent cannot land after them.
    func sample(label: String, until deadline: Double) -> Reading? {
        let before = state.withLock { state in
            state.request = label
            return state.served
        }
        while ChaosClock.now() < deadline {
            if let reading = state.withLock({ $0.served > before ? $0.latest : nil }) { return reading }
            ChaosClock.sleep(seconds: 0.01)
        }
        return nil
    }

    private func makeConsumer() throws(KafkaError) -> KafkaConsumer {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers)
        configuration.groupID = group
        configuration.clientID = "chaos-sampler"
        configuration.additionalProperties = ChaosTraffic.recoveryProperties
        return try KafkaConsumer(configuration: configuration)
    }

    private func body() -> String? {
        var consumer: KafkaConsumer
        do {
            consumer = try makeConsumer()
        } catch {
            return "commit sampler: \(error)"
        }
        defer { try? consumer.close() }
        var next = ChaosClock.now()
        while !thread.isStopping {
            let request = state.withLock { $0.request }
            guard request != nil || ChaosClock.now() >= next else {
                ChaosClock.sleep(seconds: 0.01)
                continue
            }
            next = ChaosClock.now() + interval
            let label = request ?? "sample"
            let result = read(consumer, stable: label == ChaosLedger.killLabel)
            let reading = try? result.get()
            if case .failure(let error) = result {
                // A client that lost its coordinator or leaders in an outage may not find them again soon: start afresh.
                try? consumer.close()
                guard let fresh = try? makeConsumer() else {
                    return "commit sampler: cannot create a consumer after \(error)"
                }
                consumer = fresh
            }
            state.withLock { state in
                if case .failure(let error) = result { state.lastError = "\(error)" }
                if let reading { state.latest = reading }
                if request != nil {
                    state.request = nil
                    state.served += reading == nil ? 0 : 1
                }
                if reading.map({ $0.took > Self.promptness && label != ChaosLedger.killLabel }) ?? true {
                    state.skipped += 1
                }
            }
            guard let reading, reading.took <= Self.promptness || label == ChaosLedger.killLabel else { continue }
            state.withLock { $0.floor.merge(reading.committed) { max($0, $1) } }
            ledger.withLock { ledger in
                ledger.recordSample(
                    ChaosLedger.CommitSample(
                        label: label, at: reading.at, committed: reading.committed, watermarks: reading.watermarks,
                        livePodsOfDeletes: reading.livePodsOfDeletes))
            }
        }
        return nil
    }

    /// One reading, or why a broker did not answer. The supervisor is frozen from before the commit is read until
    /// the event topics' ends are; the rest is read after it thawed.
    private func read(_ consumer: KafkaConsumer, stable: Bool) -> Result<Reading, KafkaError> {
        let frozeAt = ChaosClock.now()
        freezer.freeze()
        var frozen = true
        defer { if frozen { freezer.thaw() } }
        do throws(KafkaError) {
            var committed = try committed(consumer)
            if stable {
                let deadline = ChaosClock.now() + 10
                while ChaosClock.now() < deadline {
                    ChaosClock.sleep(seconds: 0.1)
                    let again = try self.committed(consumer)
                    if again == committed { break }
                    committed = again
                }
            }
            let readAt = ChaosClock.now()
            var watermarks = try ends(of: topics.events, consumer)
            let took = ChaosClock.now() - readAt
            freezer.thaw()
            frozen = false
            let thawedAt = ChaosClock.now()
            state.withLock { state in
                state.freezes += 1
                state.frozenSeconds += thawedAt - frozeAt
                state.longestFreeze = max(state.longestFreeze, thawedAt - frozeAt)
            }
            watermarks.merge(try ends(of: [topics.command], consumer)) { $1 }
            let floor = state.withLock { $0.floor }
            let deletes = ledger.withLock { $0.deletes(notBelow: floor) }
            let live = ClusterSnapshot.livePods(of: deletes, simulator: simulator, namespace: namespace)
            return .success(
                Reading(
                    committed: committed, watermarks: watermarks, livePodsOfDeletes: live, at: readAt - started,
                    took: took))
        } catch {
            return .failure(error)
        }
    }

    /// The end offsets of every partition of `topics`, in one call.
    private func ends(
        of topics: [(name: String, partitions: Int)], _ consumer: KafkaConsumer
    ) throws(KafkaError) -> [String: [Int32: Int64]] {
        let partitions = topics.flatMap { topic in
            (0..<Int32(topic.partitions)).map { KafkaTopicPartition(topic: topic.name, partition: $0) }
        }
        var result: [String: [Int32: Int64]] = [:]
        for entry in try consumer.endOffsets(partitions, timeout: timeout) {
            guard let offset = entry.offset else {
                throw KafkaError(code: .unknown, message: "no end offset for \(entry.topicPartition)")
            }
            result[entry.topic, default: [:]][entry.partition] = offset
        }
        return result
    }

    private func committed(_ consumer: KafkaConsumer) throws(KafkaError) -> [Int32: Int64] {
        let partitions = (0..<topics.command.partitions).map {
            KafkaTopicPartition(topic: topics.command.name, partition: Int32($0))
        }
        var result: [Int32: Int64] = [:]
        for entry in try consumer.committed(partitions, timeout: timeout) {
            if let offset = entry.offset, offset >= 0 { result[entry.partition] = offset }
        }
        return result
    }
}
