/// How ids that upstream would generate randomly (`event_id`, `metadata.user_id`) are filled
/// in when a message omits them.
public struct MissingIDPolicy: Sendable {
    private let make: (@Sendable (_ fieldPath: String, _ input: [UInt8]) -> String)?

    private init(_ make: (@Sendable (_ fieldPath: String, _ input: [UInt8]) -> String)?) {
        self.make = make
    }

    /// The default: `UUIDv5(EventID.namespace, "missing:<field path>\n" + <raw input bytes>)`.
    /// Deterministic, so a redelivered message decodes to the same id, and distinct for
    /// distinct messages.
    public static let deriveFromInput = MissingIDPolicy { fieldPath, input in
        UUIDv5.make(namespace: EventID.namespace, name: Array("missing:\(fieldPath)\n".utf8) + input).uuidString
    }

    /// Treat a missing id as a ``EventDecodingError/missingField(path:)`` (stricter than upstream).
    public static let reject = MissingIDPolicy(nil)

    /// Use `generator` (e.g. a random UUID4 source) for every missing id.
    public static func generate(_ generator: @escaping @Sendable () -> String) -> MissingIDPolicy {
        MissingIDPolicy { _, _ in generator() }
    }

    /// Full control: `generator` receives the field path and the raw input.
    public static func custom(
        _ generator: @escaping @Sendable (_ fieldPath: String, _ input: [UInt8]) -> String
    ) -> MissingIDPolicy {
        MissingIDPolicy(generator)
    }

    /// The id for a missing `fieldPath`, or `nil` when missing ids are rejected.
    func id(for fieldPath: String, input: [UInt8]) -> String? {
        make?(fieldPath, input)
    }
}
