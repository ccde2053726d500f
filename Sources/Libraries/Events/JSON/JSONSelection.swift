/// Which parts of a JSON document to keep while parsing it (``JSONParser/parse(_:keeping:)``).
///
/// Members left out are validated as strictly as the rest (the same errors at the same offsets) but never built:
/// no string, number, array or object is allocated for them. A reader that needs three fields of a large API
/// object pays for those three.
public indirect enum JSONSelection: Sendable, Hashable {
    /// The whole value.
    case all
    /// Of an object, only these members, each under its own selection. A value that is not an object is kept
    /// whole.
    case members([String: JSONSelection])
    /// Of an object, every member but these, each kept whole. A value that is not an object is kept whole.
    case allExcept(Set<String>)

    /// The selection of member `key` of an object, or `nil` when the member is left out.
    func selection(of key: String) -> JSONSelection? {
        switch self {
        case .all: .all
        case .members(let members): members[key]
        case .allExcept(let excluded): excluded.contains(key) ? nil : .all
        }
    }
}
