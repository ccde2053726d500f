import Events
import Glibc
import KafkaClient
import KubeSimulator
import SagaBridge
import Platform
import Synchronization

/// The demo's own thread: produces the plan's records as a paced stream, reads everything the supervisor
/// publishes, watches the simulator, draws the progress line, and calls `onFinish` once every expectation is
/// met or the deadline passes. Blocking librdkafka calls stay on this thread, off Swift's cooperative pool.
public final class DemoObserver: Sendable {
    /// Where and what to observe.
    public struct Settings: Sendable {
        /// The mock cluster's bootstrap servers.
        public var bootstrapServers: [String]
        /// The topic commands go to.
        public var commandTopic = "saga_commands"
        /// Topics the supervisor publishes to, dead-letter topic included, with their partition counts.
        public var observedTopics: [(name: String, partitions: Int)] = [
            ("pod_events", 3), ("execution_events", 3), ("saga_commands.dlq", 1),
        ]
        /// The dead-letter topic.
        public var deadLetterTopic = "saga_commands.dlq"
        /// The simulator namespace holding the Pods.
        public var namespace = "integr8scode"
        /// Gap between two produced records.
        public var pace: Duration = .milliseconds(10)
        /// Longest wait for everything to settle, counted from the first record produced.
        public var timeout: Duration = .seconds(120)
        /// Draw a `\r`-updated progress line on stderr.
        public var showProgress = false

        /// Settings for the cluster at `bootstrapServers`, with the standard topics.
        public init(bootstrapServers: [String]) { self.bootstrapServers = bootstrapServers }
    }

    /// How the observation ended.
    public enum Ending: Sendable, Equatable {
        /// Every expectation held.
        case settled
        /// The deadline passed first.
        case timedOut
        /// ``stop()`` was called (the supervisor ended on its own).
        case stopped
        /// The observer could not run (its Kafka clients failed); the reason.
        case failed(String)
    }

    private let settings: Settings
    private let plan: DemoPlan
    private let simulator: APISimulator
    private let onFinish: @Sendable (Outcome) -> Void
    private let state: Locked<(tally: DemoTally, ending: Ending?, elapsed: Double)>
    private let stopRequested = Atomic<Bool>(false)
    private let thread = Locked<PlatformThread?>(nil)

    /// The observation's result.
    public struct Outcome: Sendable {
        /// How it ended.
        public var ending: Ending
        /// What was seen.
        public var tally: DemoTally
        /// Seconds from the first record produced to the end.
        public var elapsedSeconds: Double
    }

    /// - Parameter onFinish: called on the observer thread once, when the observation ends other than by ``stop()``.
    public init(
        settings: Settings, plan: DemoPlan, simulator: APISimulator, onFinish: @escaping @Sendable (Outcome) -> Void
    ) {
        self.settings = settings
        self.plan = plan
        self.simulator = simulator
        self.onFinish = onFinish
        state = Locked((DemoTally(plan: plan), nil, 0))
    }

    /// What has been seen so far, and how it ended (``Ending/stopped`` while it runs).
    public var outcome: Outcome {
        state.withLock { Outcome(ending: $0.ending ?? .stopped, tally: $0.tally, elapsedSeconds: $0.elapsed) }
    }

    /// Starts the thread.
    public func start() throws(DemoError) {
        do {
            let started = try PlatformThread.start { [self] in body() }
            thread.withLock { $0 = started }
        } catch {
            throw DemoError("cannot start the observer thread (\(error))")
        }
    }

    /// Asks the thread to end without calling `onFinish`, and waits for it.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
        join()
    }

    /// Waits for the thread to end.
    public func join() {
        guard
            let handle = thread.withLock({ value in
                defer { value = nil }
                return value
            })
        else { return }
        handle.join()
    }

    private func body() {
        let ending = observe()
        state.withLock { $0.ending = ending }
        if settings.showProgress { DemoOutput.write(to: 2, "\r\u{1B}[K") }
        if ending != .stopped { onFinish(outcome) }
    }

    private func observe() -> Ending {
        let producer: KafkaProducer
        let consumer: KafkaConsumer
        do {
            producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(bootstrapServers: settings.bootstrapServers))
            var configuration = KafkaConsumerConfiguration(bootstrapServers: settings.bootstrapServers)
            configuration.groupID = "k8s-worker-demo-observer"
            // The mock broker answers a fetch only when fetch.wait.max.ms expires: keep it short for latency.
            configuration.additionalProperties = ["fetch.wait.max.ms": "10"]
            consumer = try KafkaConsumer(configuration: configuration)
            try consumer.assignFromBeginning(
                settings.observedTopics.flatMap { topic in
                    (0..<topic.partitions).map { KafkaTopicPartition(topic: topic.name, partition: Int32($0)) }
                })
        } catch {
            return .failed("observer: \(error)")
        }
        defer { try? consumer.close() }
        let start = Self.now()
        let deadline = start + UInt64(max(settings.timeout.nanoseconds, 0))
        let pace = UInt64(max(settings.pace.nanoseconds, 0))
        var next = 0
        var nextProduce = start
        var nextLook: UInt64 = 0
        var nextDraw: UInt64 = 0
        var token: UInt64 = 0
        while !stopRequested.load(ordering: .relaxed) {
            let now = Self.now()
            if now >= deadline { return .timedOut }
            // Produce what is due. The first record is a probe: the rest follow once it has been answered, so
            // their latency measures the pipeline rather than the supervisor's start-up.
            let probeAnswered = next != 1 || state.withLock { $0.tally.hasEvent(for: plan.records[0].key) }
            while next < plan.records.count, Self.now() >= nextProduce, next != 1 || probeAnswered {
                let record = plan.records[next]
                token += 1
                do {
                    try producer.produce(
                        topic: settings.commandTopic, key: Array(record.key.utf8), value: record.value,
                        headers: [KafkaHeader(name: "content-type", string: "application/json")], token: token)
                } catch {
                    return .failed("producing to \(settings.commandTopic): \(error)")
                }
                let at = Self.now()
                state.withLock { $0.tally.recordProduced(key: record.key, at: at) }
                next += 1
                nextProduce = at + pace
            }
            _ = producer.poll(maxEvents: 1000)
            // Read what was published.
            var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
            let due = next < plan.records.count && (next != 1 || probeAnswered)
            let waitMilliseconds =
                due ? max(0, min(20, Int32((Int64(nextProduce) - Int64(Self.now())) / 1_000_000))) : 20
            _ = poll(&entry, 1, waitMilliseconds)
            for event in consumer.poll(maxEvents: 1000) {
                guard case .message(let message) = event else { continue }
                let at = Self.now()
                let key = String(decoding: message.key ?? [], as: UTF8.self)
                let reason = message.header(RecordHeaders.dlqError).map { String(decoding: $0, as: UTF8.self) }
                state.withLock {
                    $0.tally.recordPublished(
                        topic: message.topic, key: key, value: message.value, deadLetterReason: reason,
                        deadLetterTopic: settings.deadLetterTopic, at: at)
                }
            }
            // Look at the cluster now and then, and right before declaring success.
            let lookNow = Self.now()
            let complete = state.withLock { $0.tally.produced >= plan.records.count && $0.tally.eventsComplete }
            if lookNow >= nextLook || complete {
                lookCluster()
                nextLook = lookNow + 200_000_000
            }
            let settled = state.withLock { value in
                value.elapsed = Double(Self.now() - start) / 1e9
                return value.tally.settled
            }
            if settings.showProgress, lookNow >= nextDraw || settled {
                draw()
                nextDraw = lookNow + 100_000_000
            }
            if settled {
                _ = try? producer.flush(timeout: .seconds(5))
                return .settled
            }
        }
        return .stopped
    }

    /// Counts the namespace's Pods and ConfigMaps and which deleted executions still have a Pod (from the same
    /// listing, so the numbers agree).
    private func lookCluster() {
        let deleted = state.withLock { $0.tally.deletedExecutionIDs }
        // Executor Pods only: the image pre-puller's DaemonSet Pod lives in the namespace too.
        let pods = simulator.objects(namespace: settings.namespace, kind: "Pod").filter {
            $0["metadata"]?.objectValue?["labels"]?.objectValue?["component"]?.stringValue == "executor"
        }
        let names = Set(pods.compactMap { $0["metadata"]?.objectValue?["name"]?.stringValue })
        let configMaps = simulator.objects(namespace: settings.namespace, kind: "ConfigMap").count
        let remaining = deleted.filter { names.contains("executor-" + $0) }
        state.withLock { $0.tally.recordCluster(pods: pods.count, configMaps: configMaps, remaining: remaining) }
    }

    private func draw() {
        let (tally, elapsed) = state.withLock { ($0.tally, $0.elapsed) }
        let line =
            "demo: produced \(tally.produced)/\(plan.records.count) · pod_created \(tally.podCreated.count)"
            + " · started \(tally.executionStarted.count) · failed \(tally.failures.count)"
            + " · dead-lettered \(tally.deadLetters.count) · pods \(tally.pods) · \(DemoSummary.fixed(elapsed, digits: 1)) s"
        DemoOutput.write(to: 2, "\r\u{1B}[K" + line)
    }

    static func now() -> UInt64 { Instant.now().nanoseconds }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : product + attoseconds / 1_000_000_000
    }
}
