/// A record header. Headers keep their order and names may repeat; a header may have no value.
public struct KafkaHeader: Hashable, Sendable {
    /// The header name.
    public var name: String
    /// The header value, or `nil` for a header without a value (distinct from an empty value).
    public var value: [UInt8]?

    /// Creates a header.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// Creates a header whose value is the UTF-8 encoding of `string`.
    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }
}
