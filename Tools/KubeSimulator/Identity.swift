/// Who made a request.
struct Identity: Sendable, Hashable {
    var user: String
    var groups: [String]
    /// Whether the identity may use `/_sim/...`.
    var isAdmin: Bool

    static let anonymous = Identity(user: "system:anonymous", groups: ["system:unauthenticated"], isAdmin: false)
}
