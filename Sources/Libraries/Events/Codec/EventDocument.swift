/// The shared first steps of every decode: size guard, JSON parse, top-level object check.
enum EventDocument {
    /// Returns a reader over the top-level object of `bytes`.
    static func reader(for bytes: [UInt8], options: DecodingOptions) throws(EventDecodingError) -> FieldReader {
        guard bytes.count <= options.maxInputBytes else {
            throw .inputTooLarge(size: bytes.count, limit: options.maxInputBytes)
        }
        let parser = JSONParser(limits: JSONParser.Limits(maxDepth: options.maxDepth))
        let value: JSONValue
        do {
            value = try parser.parse(bytes)
        } catch {
            throw .malformedJSON(error)
        }
        guard case .object(let object) = value else { throw .notAnObject(found: value.kind) }
        return FieldReader(object: object, path: "", context: DecodingContext(input: bytes, options: options))
    }

    /// The `event_type` string used for dispatch.
    static func eventType(of reader: FieldReader) throws(EventDecodingError) -> String {
        guard let value = reader.value("event_type") else { throw .missingEventType }
        guard case .string(let text) = value else {
            throw .wrongType(path: "event_type", expected: "string", found: value.kind)
        }
        return text
    }
}
