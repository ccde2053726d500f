extension CreatePodCommand: ObjectDecodable {
    /// Decodes a `create_pod_command` body.
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
            script: try reader.string("script"),
            language: try reader.string("language"),
            languageVersion: try reader.string("language_version"),
            runtimeImage: try reader.string("runtime_image"),
            runtimeCommand: try reader.stringArray("runtime_command", default: []),
            runtimeFilename: try reader.string("runtime_filename"),
            timeoutSeconds: try reader.int("timeout_seconds"),
            cpuLimit: try reader.string("cpu_limit"),
            memoryLimit: try reader.string("memory_limit"),
            cpuRequest: try reader.string("cpu_request"),
            memoryRequest: try reader.string("memory_request"),
            priority: try reader.wireEnum("priority", default: .normal))
    }

    /// Upstream's byte-exact JSON.
    public func encoded() -> [UInt8] {
        var object = ObjectEncoder(event: self)
        object.field("saga_id", sagaID)
        object.field("execution_id", executionID)
        object.field("script", script)
        object.field("language", language)
        object.field("language_version", languageVersion)
        object.field("runtime_image", runtimeImage)
        object.field("runtime_command", runtimeCommand)
        object.field("runtime_filename", runtimeFilename)
        object.field("timeout_seconds", timeoutSeconds)
        object.field("cpu_limit", cpuLimit)
        object.field("memory_limit", memoryLimit)
        object.field("cpu_request", cpuRequest)
        object.field("memory_request", memoryRequest)
        object.field("priority", priority.rawValue)
        return object.finish()
    }
}
