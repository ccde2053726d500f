/// A parsed JSON document or fragment.
///
/// Numbers keep their original source text (see ``JSONNumber``) so integers and floats
/// round-trip byte for byte, and objects keep their members in source order (see ``JSONObject``).
public enum JSONValue: Sendable, Hashable {
    /// The `null` literal.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its exact JSON text.
    case number(JSONNumber)
    /// A string (always valid Unicode).
    case string(String)
    /// An array of values.
    case array([JSONValue])
    /// An object with ordered members.
    case object(JSONObject)

    /// The JSON type of this value.
    public var kind: JSONKind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// The string payload, or `nil` when this is not a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object payload, or `nil` when this is not an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The array payload, or `nil` when this is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The number payload, or `nil` when this is not a number.
    public var numberValue: JSONNumber? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The boolean payload, or `nil` when this is not a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Whether this is the `null` literal.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
