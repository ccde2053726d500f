/// One step of a structured-merge-diff field path: `f:name`, `k:{"name":"c"}` or `v:"x"`.
enum FieldPathElement: Hashable, Sendable {
    /// An object member.
    case field(String)
    /// A list element identified by its merge keys (compact JSON of the key fields).
    case key(String)
    /// A set-list element identified by its value (compact JSON).
    case value(String)

    /// The `fieldsV1` spelling.
    var encoded: String {
        switch self {
        case .field(let name): "f:\(name)"
        case .key(let json): "k:\(json)"
        case .value(let json): "v:\(json)"
        }
    }

    /// The spelling in conflict messages (`.spec.x`, `[name="c"]`).
    var display: String {
        switch self {
        case .field(let name): ".\(name)"
        case .key(let json): "[\(json)]"
        case .value(let json): "[=\(json)]"
        }
    }
}

/// A field path (a leaf of an object, as server-side apply tracks ownership).
typealias FieldPath = [FieldPathElement]
