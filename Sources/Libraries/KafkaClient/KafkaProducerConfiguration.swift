/// Typed configuration of a ``KafkaProducer``.
///
/// Defaults follow docs/decisions.md, D2: `acks=all`, `enable.idempotence=true` and the Java-compatible
/// `murmur2_random` partitioner, so a key lands on the same partition as with the JVM and aiokafka clients.
/// Anything not modelled here can be set through ``additionalProperties``, which is applied last and wins.
public struct KafkaProducerConfiguration: Sendable {
    /// `acks`: how many replicas must acknowledge a write.
    public struct Acks: Sendable, Hashable, CustomStringConvertible {
        /// The librdkafka property value.
        public let value: String

        private init(_ value: String) {
            self.value = value
        }

        /// All in-sync replicas (`-1`). Required by idempotence.
        public static let all = Acks("all")
        /// The leader only (`1`).
        public static let leader = Acks("1")
        /// No acknowledgement (`0`).
        public static let none = Acks("0")

        /// A textual form for logs and diagnostics.
        public var description: String { value }
    }

    /// `partitioner`: how a key picks a partition.
    public struct Partitioner: Sendable, Hashable, CustomStringConvertible {
        /// The librdkafka property value.
        public let value: String

        private init(_ value: String) {
            self.value = value
        }

        /// Java-compatible murmur2 of the key; records without a key go to a random partition.
        public static let murmur2Random = Partitioner("murmur2_random")
        /// Java-compatible murmur2 of the key; records without a key all go to one partition.
        public static let murmur2 = Partitioner("murmur2")
        /// librdkafka's default: CRC32 of the key, random without a key.
        public static let consistentRandom = Partitioner("consistent_random")
        /// CRC32 of the key.
        public static let consistent = Partitioner("consistent")
        /// Random.
        public static let random = Partitioner("random")
        /// FNV-1a of the key (Sarama-compatible), random without a key.
        public static let fnv1aRandom = Partitioner("fnv1a_random")

        /// A textual form for logs and diagnostics.
        public var description: String { value }
    }

    /// `compression.codec`.
    public struct Compression: Sendable, Hashable, CustomStringConvertible {
        /// The librdkafka property value.
        public let value: String

        private init(_ value: String) {
            self.value = value
        }

        /// No compression.
        public static let none = Compression("none")
        /// gzip.
        public static let gzip = Compression("gzip")
        /// Snappy.
        public static let snappy = Compression("snappy")
        /// LZ4.
        public static let lz4 = Compression("lz4")
        /// Zstandard.
        public static let zstd = Compression("zstd")

        /// A textual form for logs and diagnostics.
        public var description: String { value }
    }

    /// `bootstrap.servers`, as `host:port` entries.
    public var bootstrapServers: [String]
    /// `client.id`.
    public var clientID: String = "k8s-worker"
    /// `acks`; `.all` by default.
    public var acks: Acks = .all
    /// `enable.idempotence`; `true` by default (no duplicates or reordering from internal retries).
    public var enableIdempotence: Bool = true
    /// `partitioner`; `.murmur2Random` by default.
    public var partitioner: Partitioner = .murmur2Random
    /// `linger.ms`: how long to wait to batch records.
    public var linger: Duration = .milliseconds(5)
    /// `message.timeout.ms`: how long a record may take to be delivered, retries included, before its delivery
    /// report fails with ``KafkaError/Code/messageTimedOut``.
    public var messageTimeout: Duration = .seconds(300)
    /// `message.max.bytes`: the largest record librdkafka accepts from ``KafkaProducer/produce(topic:key:value:headers:token:)``
    /// (larger ones fail at once with ``KafkaError/Code/messageSizeTooLarge``). librdkafka's default.
    public var maxMessageBytes = 1_000_000
    /// `compression.codec`; `.none` by default.
    public var compression: Compression = .none
    /// Authentication and encryption.
    public var security = KafkaSecurityConfiguration()
    /// Any other librdkafka property, passed through verbatim and applied last.
    public var additionalProperties: [String: String] = [:]

    /// Creates a configuration with the project's defaults.
    public init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }
}
