import Events

/// Small constructors that keep the manifest builders readable. Internal: the public surface speaks
/// ``JSONValue`` and ``JSONObject`` from `Events`.
extension JSONValue {
    /// A string.
    static func text(_ value: String) -> JSONValue { .string(value) }

    /// An integer.
    static func integer(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }

    /// An array of strings.
    static func texts(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// An object with members in the given order.
    static func members(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(JSONObject(pairs: pairs))
    }

    /// An object of string members in the given order.
    static func stringMap(_ pairs: [(String, String)]) -> JSONValue {
        .object(JSONObject(pairs.map { JSONObject.Member(key: $0.0, value: .string($0.1)) }))
    }

    /// The member `key` when this is an object.
    subscript(member key: String) -> JSONValue? {
        objectValue?[key]
    }
}
