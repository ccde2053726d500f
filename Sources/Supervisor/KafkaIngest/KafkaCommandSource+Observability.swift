import Platform
import KafkaClient
import Observability
import SupervisorCore

extension KafkaCommandSource {
    /// A fatal error of the consumer or producer: librdkafka's client cannot be used again. Fenced by the group
    /// (another supervisor joined with this one's `group.instance.id`) stops with 78, because restarting with the
    /// same identity would fence the other one in turn; any other fatal error with 1, so that the service manager
    /// starts a fresh process with fresh clients.
    public var fatalFailure: SourceFailure? {
        guard let error = consumer?.fatalError ?? producer?.fatalError else { return nil }
        if error.code == .fencedInstanceID {
            let identity = settings.consumer.groupInstanceID ?? "(none)"
            return SourceFailure(
                reason:
                    "kafka: another consumer joined group \(settings.consumer.groupID) with this supervisor's "
                    + "group.instance.id \(identity) and the broker fenced this one; two supervisors must never share "
                    + "an identity: give each its own kafka.group_instance_id (README, \"Static membership\")",
                exitStatus: 78)
        }
        return SourceFailure(
            reason: "kafka: fatal client error, the client cannot be used again: \(error); stopping so that a new "
                + "process starts with new clients",
            exitStatus: 1)
    }

    /// See the type's documentation for what ready means.
    public func readinessProblem(now: Instant) -> String? {
        guard let consumer, let producer else { return "kafka: not connected" }
        if let fatal = consumer.fatalError ?? producer.fatalError { return "kafka: fatal error: \(fatal)" }
        return core.readinessProblem(now: now)
    }

    public func metricFamilies() -> [MetricFamily] {
        var lag: [([MetricLabel], Double)] = []
        if let consumer {
            for partition in core.assigned.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
                // Non-blocking: the cached high watermark of the last fetch minus the consumer's position.
                guard let records = consumer.lag(for: partition) else { continue }
                lag.append(
                    (
                        [MetricLabel("topic", partition.topic), MetricLabel("partition", String(partition.partition))],
                        Double(records)
                    ))
            }
        }
        return [
            .gauge(
                "k8s_worker_kafka_assigned_partitions", "Partitions assigned to this supervisor.", core.assigned.count),
            MetricFamily(
                .gauge, "k8s_worker_kafka_consumer_lag",
                "Records beyond the consumer's position: the high watermark of the last fetch minus the position "
                    + "(absent until a partition has been read from).",
                series: lag),
            .gauge(
                "k8s_worker_kafka_topic_problems",
                "Topics of the configured layout that are missing or unusable (last metadata check).",
                core.topicProblems.count),
            .counter("k8s_worker_kafka_records_consumed_total", "Records read from the command topics.", core.consumed),
            .gauge("k8s_worker_kafka_records_buffered", "Records read and waiting for dispatch.", core.buffered.count),
            .gauge("k8s_worker_kafka_paused", "1 while backpressure pauses the partitions.", core.paused ? 1 : 0),
            .counter(
                "k8s_worker_kafka_dead_letters_total",
                "Records sent to the dead-letter topic (undecodable or invalid).", core.deadLettered),
            .counter(
                "k8s_worker_kafka_records_published_total",
                "Records acknowledged by the brokers: events and dead letters.", core.published),
            .gauge(
                "k8s_worker_kafka_records_unpublished", "Records produced and not yet acknowledged.",
                core.deliveries.count),
            MetricFamily(
                .gauge, "k8s_worker_kafka_oldest_unpublished_seconds",
                "Age of the oldest record produced and not yet acknowledged (0 when none).",
                value: core.oldestUnpublished().map { Instant.now().since($0).seconds } ?? 0),
            .counter(
                "k8s_worker_kafka_publish_permanent_failures_total",
                "Produce failures no retry can cure (too large, invalid, not authorized); see README, Record sizes.",
                core.permanentFailures),
            .counter(
                "k8s_worker_kafka_records_dropped_total",
                "Dead letters the brokers refused for good, dropped so that their partition could move on.",
                core.dropped),
            .counter(
                "k8s_worker_kafka_commits_total", "Offset commits acknowledged by the group coordinator.",
                core.commitsAcknowledged),
            .counter(
                "k8s_worker_kafka_commit_failures_total", "Offset commits that failed (retried at the next interval).",
                core.commitFailures),
        ]
    }
}

extension KafkaCommandSource {
    /// Logs the topic check's findings when they change: a warning per problem, and a note when all are gone.
    func reportTopicProblems() {
        core.topicProblems = topicWatch?.latest?.problems ?? []
        guard let verdict = topicWatch?.latest, verdict.unreadable == nil else { return }
        guard verdict.problems != loggedTopicProblems else { return }
        for problem in verdict.problems where !loggedTopicProblems.contains(problem) {
            logger.warning(
                "kafka topic problem: \(problem)",
                metadata: [
                    "topic": "\(problem.topic)", "role": "\(problem.role.rawValue)",
                    "layout": "\(settings.topicCheck.layoutName)",
                ])
        }
        if verdict.problems.isEmpty { logger.info("kafka topics of the layout are all present") }
        loggedTopicProblems = verdict.problems
    }
}
