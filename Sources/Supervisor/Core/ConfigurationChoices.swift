/// The configuration keys whose value is one of a fixed set. Each is a `String`-backed enum: the loader refuses
/// any other text naming the allowed values, and `config-reference` lists them.
public protocol ConfigurationChoice: RawRepresentable<String>, CaseIterable, Equatable, Sendable {}

extension ConfigurationChoice {
    /// The allowed values, in declaration order: `` `a`, `b` or `c` ``.
    static var allowedText: String {
        let names = allCases.map { "`\($0.rawValue)`" }
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

/// `workers.handler`: what workers do with a command.
public enum HandlerKind: String, ConfigurationChoice {
    /// The product: hardened Pods through the Kubernetes API.
    case kubernetes
    /// Answers saga commands as if a cluster had carried them out (development, the Kafka path end to end).
    case stub
    /// Takes instructions (`noop`, `sleep <ms>`, `crash`, …) for the supervisor's own tests and benchmarks.
    case test
}

/// `source.kind`: where commands come from.
public enum SourceKind: String, ConfigurationChoice {
    case kafka
    /// A local file of `key<TAB>payload` lines, committed like a partition (development and tests).
    case lines
}

/// `kafka.layout`: which topics carry commands and events.
public enum TopicLayoutName: String, ConfigurationChoice {
    /// `saga_commands` in, `pod_events` and `execution_events` out.
    case standard
    /// Upstream's current code: one topic per event type.
    case perEventType = "per-event-type"
}

/// `kafka.auto_offset_reset`: where a group without committed offsets starts.
public enum OffsetReset: String, ConfigurationChoice {
    case earliest, latest
}

/// `kafka.assignment_strategy`: librdkafka's `partition.assignment.strategy`.
public enum KafkaAssignmentStrategy: String, ConfigurationChoice {
    /// `cooperative-sticky` when the linked librdkafka keeps a cooperative assignment through a commit that races
    /// a rebalance (2.10.0 and later), else `roundrobin` (docs/decisions.md, D15).
    case auto
    /// Incremental (KIP-429): a rebalance revokes only the partitions that move; the rest keep flowing.
    case cooperativeSticky = "cooperative-sticky"
    /// Eager: every rebalance revokes every partition of every member. aiokafka's default, so the common
    /// strategy while the Python worker's consumers share the group (README, "Migrating from the Python worker").
    case roundrobin
    /// Eager, librdkafka's and the Java client's historical default.
    case range

    /// Whether every rebalance stops every member (`auto` depends on the library; see its resolution).
    public var isEager: Bool { self == .roundrobin || self == .range }
}

/// `kafka.security_protocol`.
public enum KafkaSecurityProtocol: String, ConfigurationChoice {
    case plaintext, ssl
    case saslPlaintext = "sasl_plaintext"
    case saslSSL = "sasl_ssl"
}

/// `kubernetes.source`: where the cluster's address and credentials come from.
public enum KubernetesSource: String, ConfigurationChoice {
    /// `$KUBECONFIG` or `~/.kube/config` when present, else in-cluster.
    case auto
    case kubeconfig
    case inCluster = "in-cluster"
}

/// `kubernetes.on_forbidden`: what the start-up preparation does when RBAC forbids it.
public enum ForbiddenPolicy: String, ConfigurationChoice {
    /// Refuse to start (exit 78).
    case fail
    /// Start, with a loud `SECURITY:` error.
    case warn
}

/// `kubernetes.rate_limit`: how the workers' shared API rate limit behaves (README, "API rate limit").
public enum APIRateLimitMode: String, ConfigurationChoice {
    /// At the ceiling until the server answers 429 or 503, then slowed down, and sped up again on clean answers.
    case adaptive
    /// `kubernetes.qps` is the rate.
    case fixed
    /// No client-side limit.
    case off
}

/// `log.format`.
public enum LogFormatName: String, ConfigurationChoice {
    /// One JSON object per line.
    case json
    case text
    /// Text on a terminal, JSON otherwise (native journald entries when stderr is the journal).
    case auto
}
