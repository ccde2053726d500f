/// Upstream's `BaseEvent` fields, decoded and encoded in one place.
struct BaseFields {
    var eventID: String
    var eventVersion: String
    var timestamp: Timestamp
    var aggregateID: String?
    var metadata: EventMetadata

    /// Reads the base fields of an event whose class literal is `type`.
    ///
    /// `event_type` may be absent (it defaults to the literal) but must match when present.
    init(reader: FieldReader, expecting type: EventType) throws(EventDecodingError) {
        if let value = reader.value("event_type") {
            guard case .string(let found) = value else {
                throw .wrongType(path: "event_type", expected: "'\(type)'", found: value.kind)
            }
            guard found == type.rawValue else { throw .eventTypeMismatch(expected: type, found: found) }
        }
        eventID = try reader.generatedID("event_id")
        eventVersion = try reader.string("event_version", default: "1.0")
        timestamp = try reader.timestamp("timestamp")
        aggregateID = try reader.optionalString("aggregate_id")
        metadata = try EventMetadata(reader: reader.object("metadata"))
    }
}
