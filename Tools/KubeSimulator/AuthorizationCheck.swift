/// One authorization decision, as recorded for inspection (``APISimulator/authorizationDenials()``,
/// ``APISimulator/authorizationGrants(user:)``).
public struct AuthorizationCheck: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var verb: String
    /// The API group ("" for core), or "" for a non-resource request.
    public var group: String
    /// The resource plural, or "" for a non-resource request.
    public var resource: String
    public var subresource: String
    public var namespace: String
    public var name: String
    /// The path of a non-resource request (`/version`), else "".
    public var path: String

    init(_ attributes: AuthorizationAttributes) {
        user = attributes.user
        verb = attributes.verb
        group = attributes.apiGroup
        resource = attributes.resource
        subresource = attributes.subresource
        namespace = attributes.namespace
        name = attributes.name
        path = attributes.isResourceRequest ? "" : attributes.path
    }

    public var description: String {
        if !path.isEmpty { return "\(user) \(verb) \(path)" }
        let combined = subresource.isEmpty ? resource : "\(resource)/\(subresource)"
        let groupPart = group.isEmpty ? "" : ".\(group)"
        let scope = namespace.isEmpty ? "" : " -n \(namespace)"
        return "\(user) \(verb) \(combined)\(groupPart) \(name)\(scope)"
    }
}

/// The authorizer's mode and what it decided (denials, and the distinct allowed checks), bounded.
struct AuthorizationRecorder: Sendable {
    let mode: AuthorizationConfiguration.Mode
    let capacity: Int
    private(set) var denials: [AuthorizationCheck] = []
    private(set) var denialCount = 0
    private(set) var grants: Set<AuthorizationCheck> = []

    init(_ configuration: AuthorizationConfiguration) {
        mode = configuration.mode
        capacity = max(1, configuration.recordCapacity)
    }

    mutating func record(_ attributes: AuthorizationAttributes, allowed: Bool) {
        let check = AuthorizationCheck(attributes)
        if allowed {
            if grants.count < capacity { grants.insert(check) }
        } else {
            denialCount += 1
            if denials.count == capacity { denials.removeFirst() }
            denials.append(check)
        }
    }
}
