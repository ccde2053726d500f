import Events

/// One fault rule: what to answer, how often, and for which requests.
public struct FaultRule: Sendable, Hashable {
    /// The injected failure.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// 429 TooManyRequests with `Retry-After`.
        case tooManyRequests = "429"
        /// 500 InternalError.
        case internalError = "500"
        /// 503 ServiceUnavailable.
        case serviceUnavailable = "503"
        /// 504 Timeout.
        case gatewayTimeout = "504"
        /// The connection is closed without a response.
        case drop
        /// 500 InternalError from an admission webhook that cannot be called: a fault that does not clear by
        /// itself (a broken webhook stays broken until someone repairs it). See ``RequestProcessor``'s answer.
        case webhook
        /// The status line, the headers and half the body are sent, then the connection is closed: a response
        /// cut short, which an HTTP/2 proxy in front (``HTTP2Proxy``) can only pass on as a reset stream. The body
        /// is the request's own response with `afterExecution`, a 500 `Status` otherwise.
        case truncate
    }

    /// The failure.
    public var kind: Kind
    /// Probability per matching request, 0...1.
    public var rate: Double
    /// `Retry-After` (and `details.retryAfterSeconds`) for 429s.
    public var retryAfterSeconds: Int
    /// Verbs this rule applies to (`get`, `list`, `create`, `update`, `patch`, `apply`, `delete`,
    /// `deletecollection`, `discovery`); empty means all.
    public var verbs: Set<String>
    /// Resources (plurals, e.g. `pods`) this rule applies to; empty means all.
    public var resources: Set<String>
    /// How many more times the rule may fire; `nil` means unlimited.
    public var remaining: Int?
    /// Run the request first and then replace its response with the fault (or drop the connection): the write
    /// happened but the client cannot know. By default the fault replaces the request, which has no effect.
    public var afterExecution: Bool

    /// A rule.
    public init(
        _ kind: Kind, rate: Double = 1, retryAfterSeconds: Int = 1, verbs: Set<String> = [],
        resources: Set<String> = [],
        remaining: Int? = nil, afterExecution: Bool = false
    ) {
        self.kind = kind
        self.rate = rate
        self.retryAfterSeconds = retryAfterSeconds
        self.verbs = verbs
        self.resources = resources
        self.remaining = remaining
        self.afterExecution = afterExecution
    }

    /// Whether the rule targets a request with this verb and resource.
    func applies(verb: String, resource: String) -> Bool {
        (verbs.isEmpty || verbs.contains(verb)) && (resources.isEmpty || resources.contains(resource)) && remaining != 0
    }

    var json: JSONValue {
        var object = JSONObject()
        object.append("kind", .string(kind.rawValue))
        object.append("rate", .number(JSONNumber(rate) ?? JSONNumber(0)))
        object.append("retryAfterSeconds", .integer(retryAfterSeconds))
        object.append("verbs", .array(verbs.sorted().map(JSONValue.string)))
        object.append("resources", .array(resources.sorted().map(JSONValue.string)))
        if let remaining { object.append("count", .integer(remaining)) }
        object.append("afterExecution", .bool(afterExecution))
        return .object(object)
    }

    init(json: JSONValue) throws(SimulatorError) {
        guard let object = json.objectValue, let kindText = object.string("kind") ?? object["kind"]?.numberValue?.text,
            let kind = Kind(rawValue: kindText)
        else {
            throw SimulatorError(.invalidArgument, "each rule needs a kind: 429, 500, 503, 504, drop or webhook")
        }
        self.init(
            kind, rate: object["rate"]?.numberValue?.doubleValue ?? 1,
            retryAfterSeconds: Int(object.int("retryAfterSeconds") ?? 1),
            verbs: Set(object.array("verbs")?.compactMap(\.stringValue) ?? []),
            resources: Set(object.array("resources")?.compactMap(\.stringValue) ?? []),
            remaining: object.int("count").map { Int($0) }, afterExecution: object.bool("afterExecution") ?? false)
    }
}
