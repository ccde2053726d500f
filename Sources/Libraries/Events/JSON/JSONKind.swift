/// The six JSON types, used in error messages and type checks.
public enum JSONKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool = "boolean"
    /// A number.
    case number
    /// A string.
    case string
    /// An array.
    case array
    /// An object.
    case object

    /// The lowercase JSON type name, e.g. `"string"`.
    public var description: String { rawValue }
}
