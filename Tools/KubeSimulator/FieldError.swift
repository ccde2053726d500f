import Events

/// One validation failure, rendered the way apimachinery's `field.Error` renders itself.
struct FieldError: Sendable, Hashable {
    /// The failure class; each has a `Status` cause reason and a phrase.
    enum Kind: Sendable, Hashable {
        case invalid, required, duplicate, notFound, notSupported, forbidden, tooLong, tooMany

        /// The `causes[].reason` value.
        var causeReason: String {
            switch self {
            case .invalid: "FieldValueInvalid"
            case .required: "FieldValueRequired"
            case .duplicate: "FieldValueDuplicate"
            case .notFound: "FieldValueNotFound"
            case .notSupported: "FieldValueNotSupported"
            case .forbidden: "FieldValueForbidden"
            case .tooLong: "FieldValueTooLong"
            case .tooMany: "FieldValueTooMany"
            }
        }

        /// The phrase in messages.
        var phrase: String {
            switch self {
            case .invalid: "Invalid value"
            case .required: "Required value"
            case .duplicate: "Duplicate value"
            case .notFound: "Not found"
            case .notSupported: "Unsupported value"
            case .forbidden: "Forbidden"
            case .tooLong: "Too long"
            case .tooMany: "Too many"
            }
        }

        /// Whether the bad value is left out of the message (as apimachinery does).
        var omitsValue: Bool { self == .required || self == .forbidden || self == .tooLong }
    }

    /// The failure class.
    var kind: Kind
    /// The field path, e.g. `metadata.labels` or `spec.containers[0].image`.
    var field: String
    /// The offending value, already rendered (strings quoted), or `nil`.
    var value: String?
    /// The explanation, possibly empty.
    var detail: String

    /// The message without the field (`causes[].message`).
    var body: String {
        var text = kind.phrase
        if !kind.omitsValue, let value { text += ": \(value)" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    /// The full message, `field: body`.
    var message: String { "\(field): \(body)" }

    /// The `causes[]` entry.
    var cause: JSONValue {
        .object(
            JSONObject([
                .init(key: "reason", value: .string(kind.causeReason)),
                .init(key: "message", value: .string(body)),
                .init(key: "field", value: .string(field)),
            ]))
    }

    static func invalid(_ field: String, _ value: String, _ detail: String) -> FieldError {
        FieldError(kind: .invalid, field: field, value: quote(value), detail: detail)
    }

    static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(kind: .required, field: field, value: nil, detail: detail)
    }

    static func duplicate(_ field: String, _ value: String) -> FieldError {
        FieldError(kind: .duplicate, field: field, value: quote(value), detail: "")
    }

    static func notFound(_ field: String, _ value: String) -> FieldError {
        FieldError(kind: .notFound, field: field, value: quote(value), detail: "")
    }

    static func notSupported(_ field: String, _ value: String, _ supported: [String]) -> FieldError {
        let detail = supported.isEmpty ? "" : "supported values: " + supported.map(quote).joined(separator: ", ")
        return FieldError(kind: .notSupported, field: field, value: quote(value), detail: detail)
    }

    static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(kind: .forbidden, field: field, value: nil, detail: detail)
    }

    static func tooLong(_ field: String, maxBytes: Int) -> FieldError {
        FieldError(kind: .tooLong, field: field, value: nil, detail: "may not be more than \(maxBytes) bytes")
    }

    /// Go's `%q` for plain text: double quotes with `"` and `\` escaped.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 {
                    result += "\\x" + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
