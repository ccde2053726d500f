/// Why an event could not be decoded. Every field-level case names the field path
/// (`metadata.environment`, `runtime_command[2]`) and what was expected.
public enum EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is larger than the caller's limit; nothing was parsed.
    case inputTooLarge(size: Int, limit: Int)
    /// The input is not well-formed JSON (includes truncation, invalid UTF-8, excessive
    /// nesting); the parse error carries the byte offset and reason.
    case malformedJSON(JSONParseError)
    /// The JSON document is not an object.
    case notAnObject(found: JSONKind)
    /// Dispatch needed `event_type` and the object has none.
    case missingEventType
    /// Dispatch found an `event_type` this decoder does not handle.
    case unknownEventType(String)
    /// A concrete event's `event_type` literal does not match the class.
    case eventTypeMismatch(expected: EventType, found: String)
    /// A required field is absent.
    case missingField(path: String)
    /// A field has the wrong JSON type (e.g. a number where a string is required).
    case wrongType(path: String, expected: String, found: JSONKind)
    /// A field has the right JSON type but an unacceptable value (bad enum value,
    /// unparseable date-time, fractional integer, …). `found` is a short rendering.
    case invalidValue(path: String, expected: String, found: String)

    /// The offending field path, when the error is about one field.
    public var fieldPath: String? {
        switch self {
        case .missingField(let path), .wrongType(let path, _, _), .invalidValue(let path, _, _):
            path
        case .missingEventType, .unknownEventType, .eventTypeMismatch:
            "event_type"
        case .inputTooLarge, .malformedJSON, .notAnObject:
            nil
        }
    }

    /// Whether the error means "not a message this decoder handles" (missing or unknown
    /// `event_type`), as opposed to a broken message of a known type.
    public var isUnroutable: Bool {
        switch self {
        case .missingEventType, .unknownEventType: true
        default: false
        }
    }

    /// A one-line, log-safe explanation (values are truncated).
    public var description: String {
        switch self {
        case .inputTooLarge(let size, let limit):
            "input is \(size) bytes, larger than the limit of \(limit) bytes"
        case .malformedJSON(let error):
            "malformed JSON at \(error)"
        case .notAnObject(let found):
            "expected a JSON object, found \(found)"
        case .missingEventType:
            "missing field 'event_type'"
        case .unknownEventType(let found):
            "unknown event_type \(Self.quoted(found))"
        case .eventTypeMismatch(let expected, let found):
            "event_type: expected '\(expected)', found \(Self.quoted(found))"
        case .missingField(let path):
            "\(path): required field is missing"
        case .wrongType(let path, let expected, let found):
            "\(path): expected \(expected), found \(found)"
        case .invalidValue(let path, let expected, let found):
            "\(path): expected \(expected), found \(found)"
        }
    }

    /// Renders a string for error messages: quoted, with at most 64 characters.
    static func quoted(_ text: String) -> String {
        let limit = 64
        var shown = String(text.prefix(limit))
        if shown.count < text.count { shown += "…" }
        return "'" + shown + "'"
    }
}
