extension DeletePodCommand: ObjectDecodable {
    /// Decodes a `delete_pod_command` body.
    public static func decode(_ bytes: [UInt8], options: DecodingOptions) throws(EventDecodingError) -> Self {
        try decodeDocument(bytes, options: options)
    }

    init(reader: FieldReader) throws(EventDecodingError) {
        let base = try BaseFields(reader: reader, expecting: Self.eventType)
        self.init(
            eventID: base.eventID, eventVersion: base.eventVersion, timestamp: base.timestamp,
            aggregateID: base.aggregateID, metadata: base.metadata,
            sagaID: try reader.string("saga_id"),
            executionID: try reader.string("execution_id"),
            reason: try reader.string("reason"),
            podName: try reader.optionalString("pod_name"),
            namespace: try reader.optionalString("namespace"))
    }

    /// Upstream's byte-exact JSON.
    public func encoded() -> [UInt8] {
        var object = ObjectEncoder(event: self)
        object.field("saga_id", sagaID)
        object.field("execution_id", executionID)
        object.field("reason", reason)
        object.field("pod_name", podName)
        object.field("namespace", namespace)
        return object.finish()
    }
}
