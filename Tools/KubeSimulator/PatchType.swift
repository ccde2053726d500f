/// The body formats of PATCH.
enum PatchType: Sendable, Equatable {
    case merge, strategic, json
    case apply(force: Bool)

    /// The patch type for a `Content-Type` media type.
    init?(mediaType: String, force: Bool) {
        switch mediaType {
        case "application/merge-patch+json": self = .merge
        case "application/strategic-merge-patch+json": self = .strategic
        case "application/json-patch+json": self = .json
        case "application/apply-patch+yaml", "application/apply-patch+json": self = .apply(force: force)
        default: return nil
        }
    }
}
