/// Internal: construction from an already-parsed object, used by the dispatchers.
protocol ObjectDecodable: DomainEvent {
    init(reader: FieldReader) throws(EventDecodingError)
}

extension ObjectDecodable {
    /// Size guard, parse, then `init(reader:)`.
    static func decodeDocument(_ bytes: [UInt8], options: DecodingOptions) throws(EventDecodingError) -> Self {
        try Self(reader: EventDocument.reader(for: bytes, options: options))
    }
}
