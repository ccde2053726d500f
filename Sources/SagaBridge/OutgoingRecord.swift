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
    }

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [Header]) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The first header named `name` (Kafka header names are case-sensitive).
    public func header(_ name: String) -> [UInt8]? { headers.first { $0.name == name }?.value ?? nil }
}
