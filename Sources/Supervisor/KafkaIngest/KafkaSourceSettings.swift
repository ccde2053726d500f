import Glibc
import KafkaClient
import SagaBridge
import SupervisorCore

/// Everything the Kafka source needs, derived from the supervisor's ``Configuration``.
public struct KafkaSourceSettings: Sendable {
    public var consumer: KafkaConsumerConfiguration
    public var producer: KafkaProducerConfiguration
    public var layout: TopicLayout
    public var commitInterval: Duration
    public var maxBuffered: Int
    public var maxBufferedBytes: Int
    public var maxRecordBytes: Int
    public var revocationTimeout: Duration
    /// Poll at least this often even when idle (librdkafka needs it to keep the group membership).
    public var pollInterval: Duration
    /// Every produced record is built to fit this (the producer's `message.max.bytes`).
    public var maxMessageBytes: Int
    /// An event or dead letter unpublished this long makes the source not ready.
    public var publishStallTimeout: Duration
    /// First delay before re-publishing an event whose delivery failed (doubles up to 30 s).
    public var publishRetryBackoff: Duration
    /// The topics the layout needs, checked against the cluster's metadata (see ``TopicCheck``).
    public var topicCheck: TopicCheck
    /// How often they are checked: librdkafka's `topic.metadata.refresh.interval.ms`.
    public var topicCheckInterval: Duration

    public init(
        consumer: KafkaConsumerConfiguration, producer: KafkaProducerConfiguration, layout: TopicLayout,
        commitInterval: Duration = .seconds(1), maxBuffered: Int = 10_000, maxBufferedBytes: Int = 32 << 20,
        maxRecordBytes: Int = 4 << 20,
        revocationTimeout: Duration = .seconds(30), pollInterval: Duration = .milliseconds(500),
        publishRetryBackoff: Duration = .milliseconds(200), publishStallTimeout: Duration = .seconds(60),
        layoutName: String = TopicLayoutName.standard.rawValue
    ) {
        self.consumer = consumer
        self.producer = producer
        self.layout = layout
        self.commitInterval = commitInterval
        self.maxBuffered = maxBuffered
        self.maxBufferedBytes = maxBufferedBytes
        self.maxRecordBytes = maxRecordBytes
        self.revocationTimeout = revocationTimeout
        self.pollInterval = pollInterval
        self.publishRetryBackoff = publishRetryBackoff
        self.publishStallTimeout = publishStallTimeout
        self.maxMessageBytes = producer.maxMessageBytes
        self.topicCheck = TopicCheck(layout: layout, layoutName: layoutName)
        self.topicCheckInterval = Self.metadataRefreshInterval(consumer.additionalProperties)
    }

    /// librdkafka's `topic.metadata.refresh.interval.ms` as set in `kafka.properties`, or its default, 300000
    /// (librdkafka CONFIGURATION.md). A negative value turns librdkafka's refresh off; the check then keeps the
    /// default period, since a topic can be deleted at any time.
    static func metadataRefreshInterval(_ properties: [String: String]) -> Duration {
        guard let text = properties["topic.metadata.refresh.interval.ms"], let value = Int64(text), value > 0 else {
            return .milliseconds(300_000)
        }
        return .milliseconds(value)
    }

    /// Builds the settings from the `kafka.*` keys and has librdkafka judge them (see ``KafkaConfigurationCheck``):
    /// the one validation `check-config` and `run` share.
    ///
    /// - Throws: every property librdkafka rejects, with its reason, as one error.
    public init(_ configuration: Configuration) throws(ConfigurationError) {
        let kafka = configuration.kafka
        let servers = kafka.bootstrapServers.split(separator: ",").map { String($0).trimmedSpaces }.filter {
            !$0.isEmpty
        }
        var consumer = KafkaConsumerConfiguration(bootstrapServers: servers)
        consumer.groupID = kafka.groupID
        consumer.clientID = kafka.clientID.isEmpty ? "k8s-worker-" + Self.hostname() : kafka.clientID
        consumer.autoOffsetReset = kafka.autoOffsetReset == .latest ? .latest : .earliest
        consumer.sessionTimeout = kafka.sessionTimeout
        consumer.maxPollInterval = kafka.maxPollInterval
        consumer.partitionAssignmentStrategies = [
            Self.assignmentStrategy(kafka.assignmentStrategy, library: KafkaLibraryVersion.current)
        ]
        consumer.groupInstanceID = GroupInstanceIdentity.resolve(setting: kafka.groupInstanceID, groupID: kafka.groupID)
        var producer = KafkaProducerConfiguration(bootstrapServers: servers)
        producer.clientID = consumer.clientID
        producer.maxMessageBytes = kafka.maxMessageBytes
        for (name, value) in Self.passedProperties(kafka) {
            consumer.additionalProperties[name] = value
            producer.additionalProperties[name] = value
        }
        var layout: TopicLayout = kafka.layout == .perEventType ? .perEventType : .standard
        if kafka.layout == .standard {
            layout.podEvents = kafka.podEventsTopic
            layout.executionEvents = kafka.executionEventsTopic
        }
        layout.deadLetter = kafka.deadLetterTopic
        let topics = kafka.commandTopics.split(separator: ",").map { String($0).trimmedSpaces }.filter { !$0.isEmpty }
        if !topics.isEmpty { layout.commandTopics = topics }
        let problems = KafkaConfigurationCheck.problems(consumer: consumer, producer: producer)
        guard problems.isEmpty else {
            let reasons = problems.map { problem in
                problem.property.map { "\($0): \(problem.message)" } ?? problem.message
            }
            throw ConfigurationError(
                key: "kafka", message: "librdkafka refuses the configuration: " + reasons.joined(separator: "; "))
        }
        self.init(
            consumer: consumer, producer: producer, layout: layout, commitInterval: kafka.commitInterval,
            maxBuffered: kafka.maxBuffered, maxBufferedBytes: kafka.maxBufferedBytes,
            maxRecordBytes: kafka.maxRecordBytes,
            revocationTimeout: kafka.revocationTimeout, publishStallTimeout: kafka.publishStallTimeout,
            layoutName: kafka.layout.rawValue)
    }

    /// `kafka.assignment_strategy` for the linked librdkafka: `auto` is cooperative-sticky only where a commit that
    /// races a rebalance does not lose the assignment (``KafkaLibraryVersion/keepsCooperativeAssignmentOnCommitRace``),
    /// else roundrobin, the eager strategy aiokafka uses too.
    public static func assignmentStrategy(
        _ setting: KafkaAssignmentStrategy, library: KafkaLibraryVersion
    ) -> KafkaConsumerConfiguration.PartitionAssignmentStrategy {
        switch setting {
        case .auto: library.keepsCooperativeAssignmentOnCommitRace ? .cooperativeSticky : .roundRobin
        case .cooperativeSticky: .cooperativeSticky
        case .roundrobin: .roundRobin
        case .range: .range
        }
    }

    /// What `check-config` and `run` warn about the Kafka settings beyond the configuration's own warnings.
    public static func warnings(_ configuration: Configuration, library: KafkaLibraryVersion) -> [String] {
        guard configuration.source.kind == .kafka,
            configuration.kafka.assignmentStrategy == .cooperativeSticky,
            !library.keepsCooperativeAssignmentOnCommitRace
        else { return [] }
        return [
            "kafka.assignment_strategy: cooperative-sticky with librdkafka \(library.version): a commit that races a "
                + "rebalance makes librdkafka drop this supervisor's whole assignment (librdkafka issue #4059, fixed "
                + "in 2.10.0), so a rebalance can redo in-flight work; `auto` uses roundrobin with this librdkafka"
        ]
    }

    /// The librdkafka properties the `kafka` section sets besides the ones ``init(_:)`` derives: security, then
    /// `kafka.properties`, which win.
    public static func passedProperties(_ kafka: Configuration.Kafka) -> [String: String] {
        Dictionary(securityProperties(kafka) + kafka.properties.map { ($0.key, $0.value) }) { $1 }
    }

    static func securityProperties(_ kafka: Configuration.Kafka) -> [(String, String)] {
        var result = [("security.protocol", kafka.securityProtocol.rawValue)]
        if !kafka.saslMechanism.isEmpty { result.append(("sasl.mechanisms", kafka.saslMechanism)) }
        if !kafka.saslUsername.isEmpty { result.append(("sasl.username", kafka.saslUsername)) }
        if !kafka.saslPassword.isEmpty { result.append(("sasl.password", kafka.saslPassword)) }
        return result
    }

    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    var trimmedSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
