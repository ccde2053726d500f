/// Typed, path-aware access to one JSON object's fields, applying upstream's defaults and
/// pydantic's lax coercions. Unknown fields are simply never looked at (pydantic's
/// `extra="ignore"`); duplicate keys resolve to the last occurrence.
struct FieldReader {
    let object: JSONObject
    /// Path of this object, `""` at top level.
    let path: String
    let context: DecodingContext

    /// The full path of `key` in this object, e.g. `metadata.user_id`.
    func path(of key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The raw value, or `nil` when absent.
    func value(_ key: String) -> JSONValue? {
        object[key]
    }

    // MARK: Strings

    /// A required string.
    func string(_ key: String) throws(EventDecodingError) -> String {
        guard let value = value(key) else { throw .missingField(path: path(of: key)) }
        return try Self.string(value, path: path(of: key))
    }

    /// A string that takes `defaultValue` when absent (`null` is still a type error).
    func string(_ key: String, default defaultValue: String) throws(EventDecodingError) -> String {
        guard let value = value(key) else { return defaultValue }
        return try Self.string(value, path: path(of: key))
    }

    /// A `str | None` field: absent or `null` give `nil`.
    func optionalString(_ key: String) throws(EventDecodingError) -> String? {
        guard let value = value(key), !value.isNull else { return nil }
        return try Self.string(value, path: path(of: key))
    }

    /// A string id that upstream generates when absent (`event_id`, `metadata.user_id`).
    func generatedID(_ key: String) throws(EventDecodingError) -> String {
        if let value = value(key) {
            return try Self.string(value, path: path(of: key))
        }
        guard let id = context.options.missingIDs.id(for: path(of: key), input: context.input) else {
            throw .missingField(path: path(of: key))
        }
        return id
    }

    /// A `list[str]` that takes `defaultValue` when absent.
    func stringArray(_ key: String, default defaultValue: [String]) throws(EventDecodingError) -> [String] {
        guard let value = value(key) else { return defaultValue }
        guard case .array(let elements) = value else {
            throw .wrongType(path: path(of: key), expected: "array of strings", found: value.kind)
        }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            strings.append(try Self.string(element, path: "\(path(of: key))[\(index)]"))
        }
        return strings
    }

    private static func string(_ value: JSONValue, path: @autoclosure () -> String) throws(EventDecodingError) -> String
    {
        guard case .string(let text) = value else {
            throw .wrongType(path: path(), expected: "string", found: value.kind)
        }
        return text
    }

    // MARK: Numbers

    /// A required integer (lax, see ``LaxCoercion/integer(_:path:)``).
    func int(_ key: String) throws(EventDecodingError) -> Int {
        guard let value = value(key) else { throw .missingField(path: path(of: key)) }
        return try LaxCoercion.integer(value, path: path(of: key))
    }

    /// An integer that takes `defaultValue` when absent.
    func int(_ key: String, default defaultValue: Int) throws(EventDecodingError) -> Int {
        guard let value = value(key) else { return defaultValue }
        return try LaxCoercion.integer(value, path: path(of: key))
    }

    /// A float that takes `defaultValue` when absent (lax, see ``LaxCoercion/double(_:path:)``).
    func double(_ key: String, default defaultValue: Double) throws(EventDecodingError) -> Double {
        guard let value = value(key) else { return defaultValue }
        return try LaxCoercion.double(value, path: path(of: key))
    }

    // MARK: Enums, timestamps, objects

    /// A string enum; absent gives `defaultValue`, or a missing-field error when there is none.
    func wireEnum<Value: RawRepresentable<String> & CaseIterable>(
        _ key: String, default defaultValue: Value?
    ) throws(EventDecodingError) -> Value {
        guard let value = value(key) else {
            guard let defaultValue else { throw .missingField(path: path(of: key)) }
            return defaultValue
        }
        if case .string(let text) = value, let parsed = Value(rawValue: text) {
            return parsed
        }
        let expected = "one of " + Value.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        if case .string(let text) = value {
            throw .invalidValue(path: path(of: key), expected: expected, found: EventDecodingError.quoted(text))
        }
        throw .wrongType(path: path(of: key), expected: expected, found: value.kind)
    }

    /// A date-time; absent uses the injected clock, or is a missing-field error without one.
    func timestamp(_ key: String) throws(EventDecodingError) -> Timestamp {
        guard let value = value(key) else {
            guard let now = context.options.now else { throw .missingField(path: path(of: key)) }
            return now()
        }
        switch value {
        case .string, .number:
            do {
                return try Timestamp(json: value)
            } catch {
                throw .invalidValue(
                    path: path(of: key), expected: "an ISO-8601 date-time or Unix epoch number",
                    found: "\(Self.render(value)) (\(error))")
            }
        default:
            throw .wrongType(path: path(of: key), expected: "date-time string or epoch number", found: value.kind)
        }
    }

    /// A required nested object.
    func object(_ key: String) throws(EventDecodingError) -> FieldReader {
        guard let value = value(key) else { throw .missingField(path: path(of: key)) }
        return try nested(value, key: key)
    }

    /// An `object | None` field: absent or `null` give `nil`.
    func optionalObject(_ key: String) throws(EventDecodingError) -> FieldReader? {
        guard let value = value(key), !value.isNull else { return nil }
        return try nested(value, key: key)
    }

    private func nested(_ value: JSONValue, key: String) throws(EventDecodingError) -> FieldReader {
        guard case .object(let nested) = value else {
            throw .wrongType(path: path(of: key), expected: "object", found: value.kind)
        }
        return FieldReader(object: nested, path: path(of: key), context: context)
    }

    /// A short rendering of a scalar for error messages.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): EventDecodingError.quoted(text)
        case .number(let number): String(number.text.prefix(64))
        default: value.kind.description
        }
    }
}
