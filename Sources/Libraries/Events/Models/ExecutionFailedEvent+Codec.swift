extension ExecutionFailedEvent: ObjectDecodable {
    /// Decodes an `execution_failed` body.
    public static func decode(_ bytes: [UInt8], options: DecodingOptions) throws(EventDecodingError) -> Self {
        try decodeDocument(bytes, options: options)
    }

    init(reader: FieldReader) throws(EventDecodingError) {
        let base = try BaseFields(reader: reader, expecting: Self.eventType)
        self.init(
            eventID: base.eventID, eventVersion: base.eventVersion, timestamp: base.timestamp,
            aggregateID: base.aggregateID, metadata: base.metadata,
            executionID: try reader.string("execution_id"),
            exitCode: try reader.int("exit_code", default: 1),
            errorType: try reader.wireEnum("error_type", default: nil),
            resourceUsage: try reader.optionalObject("resource_usage").map { (usage) throws(EventDecodingError) in
                try ResourceUsage(reader: usage)
            },
            stdout: try reader.string("stdout", default: ""),
            stderr: try reader.string("stderr", default: ""))
    }

    /// Upstream's byte-exact JSON.
    public func encoded() -> [UInt8] {
        var object = ObjectEncoder(event: self)
        object.field("execution_id", executionID)
        object.field("exit_code", exitCode)
        object.field("error_type", errorType.rawValue)
        object.field("resource_usage", object: resourceUsage?.encoder)
        object.field("stdout", stdout)
        object.field("stderr", stderr)
        return object.finish()
    }
}
