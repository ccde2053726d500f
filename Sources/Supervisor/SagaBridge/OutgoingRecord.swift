/// A record to produce: topic, key, value and ordered headers.
public struct OutgoingRecord: Sendable, Equatable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    /// Produce a null value (a tombstone) instead of `value`: a dead letter keeps a null original null.
    public var valueIsNull = false
    public var headers: [Header]

    /// One Kafka header; the value may be absent (a null header).
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: [UInt8]?
        public init(_ name: String, _ value: [UInt8]?) {
            self.name = name
            self.value = value
        }
        public init(_ name: String, _ text: String) { self.init(name, Array(text.utf8)) }

        /// Serialized size: two varint lengths, the name and the value.
        var wireSize: Int { 10 + name.utf8.count + (value?.count ?? 0) }
    }

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [Header]) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The size librdkafka checks against the producer's `message.max.bytes` before it accepts a record
    /// (`rd_kafka_msg_max_wire_size` in librdkafka's `rdkafka_msg.c`): key, value and serialized headers plus a
    /// v2 record's fixed overhead. Over-estimated by a few bytes (every varint counted at its widest), never
    /// under: a record whose `wireSize` fits is accepted.
    public var wireSize: Int {
        Self.recordOverhead + (key?.count ?? 0) + value.count + headers.reduce(0) { $0 + $1.wireSize }
    }

    /// Length, attributes, timestamp and offset deltas, key and value lengths and the header count, as varints.
    static let recordOverhead = 5 + 1 + 10 + 5 + 5 + 5 + 5

    /// The first header named `name` (Kafka header names are case-sensitive).
    public func header(_ name: String) -> [UInt8]? { headers.first { $0.name == name }?.value ?? nil }
}
