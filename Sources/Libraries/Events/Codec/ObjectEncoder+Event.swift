extension ObjectEncoder {
    /// Starts an event object with the base fields in upstream order.
    init(event: some DomainEvent) {
        self.init()
        field("event_id", event.eventID)
        field("event_type", type(of: event).eventType.rawValue)
        field("event_version", event.eventVersion)
        field("timestamp", event.timestamp.iso8601)
        field("aggregate_id", event.aggregateID)
        field("metadata", object: event.metadata.encoder)
    }
}
