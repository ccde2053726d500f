extension EventMetadata {
    /// Reads `metadata` (unknown keys ignored).
    init(reader: FieldReader) throws(EventDecodingError) {
        self.init(
            serviceName: try reader.string("service_name"),
            serviceVersion: try reader.string("service_version"),
            userID: try reader.generatedID("user_id"),
            environment: try reader.wireEnum("environment", default: .production))
    }

    /// The metadata object, keys in upstream order.
    var encoder: ObjectEncoder {
        var object = ObjectEncoder(reservingCapacity: 160)
        object.field("service_name", serviceName)
        object.field("service_version", serviceVersion)
        object.field("user_id", userID)
        object.field("environment", environment.rawValue)
        return object
    }
}
