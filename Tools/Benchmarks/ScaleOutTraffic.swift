import Events
import Glibc
import KafkaClient
import Platform

/// The scale-out benchmark's steady command stream and its observer: one thread produces create commands at a
/// fixed rate (recording when, and the partition from the delivery report), another reads `pod_events` and
/// `execution_events` from the beginning without a group and records when each command's first outcome arrived
/// (`pod_created`, or `execution_failed`: finished, though not created), how many `pod_created` arrived, and
/// whether a repeat carried another event id (it must not: redone work republishes the same ids).
final class ScaleOutTraffic: @unchecked Sendable {
    struct State {
        var commands: [ScaleOutTimeline.Command] = []
        var eventIDs: [String?] = []
        var podCreated = 0
        /// `execution_failed` outcomes by error type (e.g. a command that waited past `workers.max_command_age`).
        var failed: [String: Int] = [:]
        var repeatsWithAnotherEventID = 0
        var stopProducing = false
        var stopObserving = false
        var failure: String?
    }

    let state = Locked(State())
    private let rate: Double
    private let producer: KafkaProducer
    private let consumer: KafkaConsumer
    private var threads: [PlatformThread] = []

    init(bootstrap: [String], commandsPerSecond: Double) throws {
        rate = commandsPerSecond
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap)
        configuration.groupID = "scale-out-observer"
        configuration.additionalProperties["fetch.wait.max.ms"] = "5"
        consumer = try KafkaConsumer(configuration: configuration)
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    func start() throws {
        try consumer.assignFromBeginning(
            ["pod_events", "execution_events"].flatMap { topic in
                (0..<3).map { KafkaTopicPartition(topic: topic, partition: $0) }
            })
        threads.append(try PlatformThread.start { [self] in produce() })
        threads.append(try PlatformThread.start { [self] in observe() })
    }

    /// Stops producing and observing and waits for both threads.
    func stop() {
        state.withLock {
            $0.stopProducing = true
            $0.stopObserving = true
        }
        for thread in threads { thread.join() }
        threads = []
    }

    /// Stops producing only (the observer goes on, for the drain).
    func stopProducing() { state.withLock { $0.stopProducing = true } }

    private func produce() {
        let started = Self.now()
        var index = 0
        while !state.withLock({ $0.stopProducing }) {
            let due = started + Double(index) / rate
            let wait = due - Self.now()
            if wait > 0 {
                var pause = timespec(tv_sec: Int(wait), tv_nsec: Int((wait - Double(Int(wait))) * 1e9))
                nanosleep(&pause, nil)
            }
            let id = KafkaBench.executionID(index)
            state.withLock {
                $0.commands.append(ScaleOutTimeline.Command(producedAt: Self.now()))
                $0.eventIDs.append(nil)
            }
            do {
                try producer.produce(
                    topic: "saga_commands", key: Array(id.utf8), value: KafkaBench.command(id),
                    headers: [KafkaHeader(name: "content-type", string: "application/json")], token: UInt64(index))
            } catch {
                state.withLock { $0.failure = "producing command \(index): \(error)" }
                return
            }
            record(producer.poll(maxEvents: 1000))
            index += 1
        }
        try? producer.flush(timeout: .seconds(30))
        record(producer.poll(maxEvents: 100_000))
    }

    private func record(_ reports: [KafkaDeliveryReport]) {
        state.withLock { state in
            for report in reports {
                guard case .success = report.result, let partition = report.partition else {
                    state.failure = "command \(report.token) was not delivered"
                    continue
                }
                state.commands[Int(report.token)].partition = partition
            }
        }
    }

    private func observe() {
        // Runs until stopped: the drain needs it after producing ends.
        while !state.withLock({ $0.stopObserving }) {
            var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 20)
            let now = Self.now()
            let events = consumer.poll(maxEvents: 1000)
            state.withLock { state in
                for case .message(let message) in events {
                    if message.topic == "execution_events" {
                        guard let event = try? ExecutionFailedEvent.decode(message.value, options: DecodingOptions()),
                            let index = Int(event.executionID.suffix(12)), index < state.commands.count
                        else { continue }
                        state.failed["\(event.errorType)", default: 0] += 1
                        if state.commands[index].completedAt == 0 { state.commands[index].completedAt = now }
                        continue
                    }
                    guard let event = try? PodCreatedEvent.decode(message.value, options: DecodingOptions()),
                        let index = Int(event.executionID.suffix(12)), index < state.commands.count
                    else { continue }
                    state.podCreated += 1
                    if state.commands[index].completedAt == 0 { state.commands[index].completedAt = now }
                    if let first = state.eventIDs[index] {
                        if first != event.eventID { state.repeatsWithAnotherEventID += 1 }
                    } else {
                        state.eventIDs[index] = event.eventID
                    }
                }
            }
        }
    }
}
