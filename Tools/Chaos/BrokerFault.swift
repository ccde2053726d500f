import KafkaClient

/// A fault of the mock Kafka cluster.
public enum BrokerFault: Sendable, Hashable, CustomStringConvertible {
    /// One broker disconnects its clients and refuses connections.
    case down(broker: Int32)
    /// Every broker does (kept short: the group session outlives it).
    case allDown
    /// Every response of one broker is delayed.
    case slow(broker: Int32, milliseconds: Int)
    /// A partition's leadership moves.
    case leaderMove(topic: String, partition: Int32, broker: Int32)
    /// The next requests of one type fail with these (retriable) errors, whichever client sends them.
    case requestErrors(api: KafkaAPIKey, codes: [KafkaError.Code])

    /// Retriable errors by request type: what a real cluster answers during elections, coordinator moves and
    /// rebalances. A `rebalanceInProgress` heartbeat makes the supervisor rejoin the group (a rebalance).
    static let requestErrorMenu: [(KafkaAPIKey, [KafkaError.Code])] = [
        (.produce, [.notLeaderForPartition, .notEnoughReplicas, .leaderNotAvailable, .requestTimedOut]),
        (.fetch, [.notLeaderForPartition, .unknownTopicOrPartition]),
        (.offsetCommit, [.coordinatorNotAvailable, .notCoordinator, .coordinatorLoadInProgress]),
        (.offsetFetch, [.coordinatorLoadInProgress, .coordinatorNotAvailable]),
        (.heartbeat, [.rebalanceInProgress]),
    ]

    /// Whether it lasts (and is ended by a recovery) rather than being a one-off.
    var lasts: Bool {
        switch self {
        case .down, .allDown, .slow: true
        case .leaderMove, .requestErrors: false
        }
    }

    /// How long a lasting fault lasts, in seconds.
    var lengthRange: ClosedRange<Double> {
        switch self {
        case .allDown: 0.5...1.5
        default: 1...3
        }
    }

    public var description: String {
        switch self {
        case .down(let broker): "broker \(broker) down"
        case .allDown: "all brokers down"
        case .slow(let broker, let milliseconds): "broker \(broker) answers \(milliseconds) ms late"
        case .leaderMove(let topic, let partition, let broker):
            "leader of \(topic)[\(partition)] moves to broker \(broker)"
        case .requestErrors(let api, let codes):
            "request errors on \(Self.name(of: api)): \(codes.map(\.description).joined(separator: ", "))"
        }
    }

    static func name(of api: KafkaAPIKey) -> String {
        switch api {
        case .produce: "Produce"
        case .fetch: "Fetch"
        case .offsetCommit: "OffsetCommit"
        case .offsetFetch: "OffsetFetch"
        case .heartbeat: "Heartbeat"
        default: api.description
        }
    }
}
