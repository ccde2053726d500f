/// What every event model shares: upstream's `BaseEvent` fields, the class's `event_type`
/// literal, byte-exact encoding and lenient decoding.
public protocol DomainEvent: Sendable, Hashable {
    /// The `event_type` literal of this class.
    static var eventType: EventType { get }
    /// `event_id`: unique id (UUID text).
    var eventID: String { get }
    /// `event_version`: always `"1.0"` upstream.
    var eventVersion: String { get }
    /// `timestamp`: creation time.
    var timestamp: Timestamp { get }
    /// `aggregate_id`: the execution id on every worker-related event, or `nil`.
    var aggregateID: String? { get }
    /// `metadata`.
    var metadata: EventMetadata { get }

    /// Upstream's byte-exact JSON (`model_dump_json`): compact, fields in class order,
    /// `null` for absent optionals, timestamps per ``Timestamp/iso8601``.
    func encoded() -> [UInt8]

    /// Decodes one record value as this class, leniently like upstream (see ``DecodingOptions``).
    static func decode(_ bytes: [UInt8], options: DecodingOptions) throws(EventDecodingError) -> Self
}

extension DomainEvent {
    /// `event_type`: the class literal.
    public var eventType: EventType { Self.eventType }

    /// Decodes with default ``DecodingOptions``.
    public static func decode(_ bytes: [UInt8]) throws(EventDecodingError) -> Self {
        try decode(bytes, options: DecodingOptions())
    }
}
