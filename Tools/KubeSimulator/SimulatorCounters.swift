import Events

/// Totals since start (or the last reset).
public struct SimulatorCounters: Sendable, Hashable {
    /// Requests answered or dropped.
    public var requests = 0
    /// By status code (0 = dropped).
    public var byStatus: [Int: Int] = [:]
    /// By verb.
    public var byVerb: [String: Int] = [:]
    /// By resource plural.
    public var byResource: [String: Int] = [:]
    /// Injected faults by kind (`429`, `500`, `503`, `504`, `drop`).
    public var faults: [String: Int] = [:]
    /// Requests rejected with 401.
    public var unauthorized = 0
    /// TCP connections accepted.
    public var connectionsAccepted = 0
    /// TLS handshakes that failed.
    public var handshakeFailures = 0
    /// Connections currently open.
    public var connectionsOpen = 0
    /// Objects deleted by the garbage collector.
    public var garbageCollected = 0
    /// Requests the RBAC authorizer refused with 403 since start (a counters reset does not clear it).
    public var authorizationDenials = 0

    /// All zero.
    public init() {}

    /// The JSON form served by `/_sim/counters`.
    public var json: JSONValue {
        func map<Key>(_ dictionary: [Key: Int], _ text: (Key) -> String) -> JSONValue {
            .object(
                JSONObject(
                    dictionary.map { (text($0.key), $0.value) }.sorted { $0.0 < $1.0 }.map {
                        .init(key: $0.0, value: .integer($0.1))
                    }))
        }
        var object = JSONObject()
        object.append("requests", .integer(requests))
        object.append("byStatus", map(byStatus) { String($0) })
        object.append("byVerb", map(byVerb) { $0 })
        object.append("byResource", map(byResource) { $0 })
        object.append("faults", map(faults) { $0 })
        object.append("unauthorized", .integer(unauthorized))
        object.append("connectionsAccepted", .integer(connectionsAccepted))
        object.append("handshakeFailures", .integer(handshakeFailures))
        object.append("connectionsOpen", .integer(connectionsOpen))
        object.append("garbageCollected", .integer(garbageCollected))
        object.append("authorizationDenials", .integer(authorizationDenials))
        return .object(object)
    }
}
