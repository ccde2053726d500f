/// A JSON object whose members keep their source (or insertion) order.
///
/// Duplicate keys are preserved as written, so re-encoding reproduces the input; lookups by
/// key return the **last** occurrence, as Python's `json.loads` (upstream's decoder) does.
public struct JSONObject: Sendable, Hashable {
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        /// The member name.
        public var key: String
        /// The member value.
        public var value: JSONValue

        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in order.
    public private(set) var members: [Member]

    /// Creates an object from ordered members.
    public init(_ members: [Member] = []) {
        self.members = members
    }

    /// Creates an object from ordered `(key, value)` pairs.
    public init(pairs: KeyValuePairs<String, JSONValue>) {
        self.members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    /// The number of members (duplicates included).
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys in order (duplicates included).
    public var keys: [String] { members.map(\.key) }

    /// The value of the last member named `key`, or `nil` when there is none.
    public subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key {
            return member.value
        }
        return nil
    }

    /// Appends a member at the end (an existing member with the same key is kept).
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// Replaces the value of the last member named `key`, or appends a new member.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if let index = members.lastIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append(Member(key: key, value: value))
        }
    }

    /// Removes every member named `key`.
    public mutating func removeAll(named key: String) {
        members.removeAll { $0.key == key }
    }
}
