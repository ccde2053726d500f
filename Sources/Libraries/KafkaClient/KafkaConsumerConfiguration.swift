/// Typed configuration of a ``KafkaConsumer``.
///
/// Defaults follow docs/decisions.md, D1 and D8: group `k8s-worker`, `auto.offset.reset=earliest`, and
/// **explicit commits** (`enable.auto.commit=false`, `enable.auto.offset.store=false`). Anything not modelled
/// here can be set through ``additionalProperties``, which is applied last and wins.
public struct KafkaConsumerConfiguration: Sendable {
    /// `auto.offset.reset`: where to start when the group has no committed offset.
    public struct AutoOffsetReset: Sendable, Hashable, CustomStringConvertible {
        /// The librdkafka property value.
        public let value: String

        private init(_ value: String) {
            self.value = value
        }

        /// Start at the oldest retained record.
        public static let earliest = AutoOffsetReset("earliest")
        /// Start after the newest record.
        public static let latest = AutoOffsetReset("latest")
        /// Report an error (`_AUTO_OFFSET_RESET`) instead of guessing.
        public static let error = AutoOffsetReset("error")

        /// A textual form for logs and diagnostics.
        public var description: String { value }
    }

    /// One entry of `partition.assignment.strategy`. Eager (`range`, `roundRobin`) and cooperative
    /// (`cooperativeSticky`) strategies must not be mixed, nor used by different members of one group.
    public struct PartitionAssignmentStrategy: Sendable, Hashable, CustomStringConvertible {
        /// The librdkafka property value.
        public let value: String

        private init(_ value: String) {
            self.value = value
        }

        /// Eager range assignor.
        public static let range = PartitionAssignmentStrategy("range")
        /// Eager round-robin assignor.
        public static let roundRobin = PartitionAssignmentStrategy("roundrobin")
        /// Incremental (cooperative) sticky assignor (KIP-429): a rebalance revokes only the partitions that move.
        /// librdkafka 2.0.2 aborts when a consumer whose first rebalance never completed is destroyed
        /// (librdkafka issue #4312); ``KafkaConsumer`` works around it (see `KafkaConsumer+Teardown.swift`).
        public static let cooperativeSticky = PartitionAssignmentStrategy("cooperative-sticky")

        /// Whether this is an eager strategy (every rebalance revokes every partition).
        public var isEager: Bool { self != .cooperativeSticky }

        /// The strategy named `value` (`range`, `roundrobin`, `cooperative-sticky`), or nil.
        public init?(named value: String) {
            guard let known = [Self.range, .roundRobin, .cooperativeSticky].first(where: { $0.value == value })
            else { return nil }
            self = known
        }

        /// A textual form for logs and diagnostics.
        public var description: String { value }
    }

    /// `bootstrap.servers`, as `host:port` entries.
    public var bootstrapServers: [String]
    /// `group.id`.
    public var groupID: String = "k8s-worker"
    /// `client.id`.
    public var clientID: String = "k8s-worker"
    /// `group.instance.id`, for static membership (fewer rebalances on restart); `nil` for dynamic membership.
    public var groupInstanceID: String?
    /// `auto.offset.reset`; `.earliest` by default.
    public var autoOffsetReset: AutoOffsetReset = .earliest
    /// `session.timeout.ms`: how long the coordinator waits for heartbeats before evicting this member.
    public var sessionTimeout: Duration = .seconds(45)
    /// `heartbeat.interval.ms`.
    public var heartbeatInterval: Duration = .seconds(3)
    /// `max.poll.interval.ms`: the longest allowed gap between `poll` calls before the member leaves the group.
    public var maxPollInterval: Duration = .seconds(300)
    /// `partition.assignment.strategy`, in preference order; librdkafka's eager `range,roundrobin` by default (the
    /// supervisor chooses its own: `kafka.assignment_strategy`). Eager and cooperative strategies cannot be mixed.
    public var partitionAssignmentStrategies: [PartitionAssignmentStrategy] = [.range, .roundRobin]
    /// `enable.auto.commit`; `false`: the application commits explicitly.
    public var enableAutoCommit: Bool = false
    /// `enable.auto.offset.store`; `false`: nothing is marked consumed behind the application's back.
    public var enableAutoOffsetStore: Bool = false
    /// Authentication and encryption.
    public var security = KafkaSecurityConfiguration()
    /// Any other librdkafka property, passed through verbatim and applied last.
    public var additionalProperties: [String: String] = [:]

    /// Creates a configuration with the project's defaults.
    public init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }
}
