/// A Kafka protocol request type (ApiKey), used to target fault injection on ``KafkaMockCluster``.
public struct KafkaAPIKey: Hashable, Sendable, CustomStringConvertible {
    /// The protocol's numeric ApiKey.
    public let rawValue: Int16

    /// Wraps a numeric ApiKey.
    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// Produce (0).
    public static let produce = KafkaAPIKey(rawValue: 0)
    /// Fetch (1).
    public static let fetch = KafkaAPIKey(rawValue: 1)
    /// ListOffsets (2).
    public static let listOffsets = KafkaAPIKey(rawValue: 2)
    /// Metadata (3).
    public static let metadata = KafkaAPIKey(rawValue: 3)
    /// OffsetCommit (8).
    public static let offsetCommit = KafkaAPIKey(rawValue: 8)
    /// OffsetFetch (9).
    public static let offsetFetch = KafkaAPIKey(rawValue: 9)
    /// FindCoordinator (10).
    public static let findCoordinator = KafkaAPIKey(rawValue: 10)
    /// JoinGroup (11).
    public static let joinGroup = KafkaAPIKey(rawValue: 11)
    /// Heartbeat (12).
    public static let heartbeat = KafkaAPIKey(rawValue: 12)
    /// LeaveGroup (13).
    public static let leaveGroup = KafkaAPIKey(rawValue: 13)
    /// SyncGroup (14).
    public static let syncGroup = KafkaAPIKey(rawValue: 14)
    /// ApiVersions (18).
    public static let apiVersions = KafkaAPIKey(rawValue: 18)
    /// InitProducerId (22).
    public static let initProducerID = KafkaAPIKey(rawValue: 22)

    /// A textual form for logs and diagnostics.
    public var description: String { "ApiKey(\(rawValue))" }
}
