extension ExecutionStartedEvent: ObjectDecodable {
    /// Decodes an `execution_started` body.
    public static func decode(_ bytes: [UInt8], options: DecodingOptions) throws(EventDecodingError) -> Self {
        try decodeDocument(bytes, options: options)
    }

    init(reader: FieldReader) throws(EventDecodingError) {
        let base = try BaseFields(reader: reader, expecting: Self.eventType)
        self.init(
            eventID: base.eventID, eventVersion: base.eventVersion, timestamp: base.timestamp,
            aggregateID: base.aggregateID, metadata: base.metadata,
            executionID: try reader.string("execution_id"),
            podName: try reader.string("pod_name"),
            nodeName: try reader.optionalString("node_name"),
            containerID: try reader.optionalString("container_id"))
    }

    /// Upstream's byte-exact JSON.
    public func encoded() -> [UInt8] {
        var object = ObjectEncoder(event: self)
        object.field("execution_id", executionID)
        object.field("pod_name", podName)
        object.field("node_name", nodeName)
        object.field("container_id", containerID)
        return object.finish()
    }
}
