import Events

/// Injected faults: error rules evaluated in order, plus added latency.
public struct FaultConfiguration: Sendable, Hashable {
    /// Error rules; the first rule that matches a request and fires (by its rate) decides the fault.
    public var rules: [FaultRule]
    /// Latency added to every Kubernetes API request (not to `/_sim`).
    public var latency: Duration
    /// Extra uniform random latency in `0...jitter`.
    public var jitter: Duration
    /// Seed for the fault generator; `nil` seeds from the system.
    public var seed: UInt64?
    /// API Priority and Fairness: Kubernetes API requests served per second, 0 for no limit
    /// (``PriorityAndFairness``); past the queue, 429 with `Retry-After: 1`.
    public var apfRate: Double = 0
    /// Requests that may wait in the APF queue.
    public var apfQueue: Int = 16

    /// No faults.
    public init(rules: [FaultRule] = [], latency: Duration = .zero, jitter: Duration = .zero, seed: UInt64? = nil) {
        self.rules = rules
        self.latency = latency
        self.jitter = jitter
        self.seed = seed
    }

    /// Only API Priority and Fairness: `rate` requests per second served, `queue` more waiting, the rest 429.
    public static func priorityAndFairness(rate: Double, queue: Int) -> FaultConfiguration {
        var configuration = FaultConfiguration()
        configuration.apfRate = rate
        configuration.apfQueue = queue
        return configuration
    }

    /// Whether anything is injected.
    public var isEmpty: Bool { rules.isEmpty && latency == .zero && jitter == .zero && apfRate == 0 }

    /// The JSON form served by `GET /_sim/faults`.
    public var json: JSONValue {
        var object = JSONObject()
        object.append("rules", .array(rules.map(\.json)))
        object.append("latencyMs", .number(JSONNumber(latency.milliseconds) ?? JSONNumber(0)))
        object.append("jitterMs", .number(JSONNumber(jitter.milliseconds) ?? JSONNumber(0)))
        if let seed { object.append("seed", .number(JSONNumber(seed))) }
        if apfRate > 0 {
            object.append("apfRate", JSONNumber(apfRate).map(JSONValue.number) ?? .null)
            object.append("apfQueue", .number(JSONNumber(apfQueue)))
        }
        return .object(object)
    }

    /// ``json`` as compact text.
    public var jsonText: String { String(decoding: JSONWriter.encode(json), as: UTF8.self) }

    /// Parses the JSON accepted by `PUT /_sim/faults`: `rules` (objects with `kind`, `rate`, `retryAfterSeconds`,
    /// `verbs`, `resources`, `count`, `afterExecution`) plus the shorthands `fault429`, `fault500`, `fault503`,
    /// `fault504`, `drop`, `webhook`, `truncate` (rates), `retryAfter`, `afterExecution`, `latencyMs`, `jitterMs`, `seed`,
    /// and `apfRate`, `apfQueue` (API Priority and Fairness).
    public init(json: JSONValue) throws(SimulatorError) {
        guard let object = json.objectValue else {
            throw SimulatorError(.invalidArgument, "faults must be a JSON object")
        }
        var rules: [FaultRule] = []
        for value in object.array("rules") ?? [] { rules.append(try FaultRule(json: value)) }
        let retryAfter = Int(object.int("retryAfter") ?? 1)
        let afterExecution = object.bool("afterExecution") ?? false
        for (key, kind) in [
            ("fault429", FaultRule.Kind.tooManyRequests), ("fault500", .internalError),
            ("fault503", .serviceUnavailable), ("fault504", .gatewayTimeout), ("drop", .drop),
            ("webhook", .webhook),
            ("truncate", .truncate),
        ] {
            guard let rate = object[key]?.numberValue?.doubleValue, rate > 0 else { continue }
            rules.append(FaultRule(kind, rate: rate, retryAfterSeconds: retryAfter, afterExecution: afterExecution))
        }
        for rule in rules where !(0...1).contains(rule.rate) {
            throw SimulatorError(.invalidArgument, "fault rate \(rule.rate) is outside 0...1")
        }
        let latency = object["latencyMs"]?.numberValue?.doubleValue ?? 0
        let jitter = object["jitterMs"]?.numberValue?.doubleValue ?? 0
        guard latency >= 0, jitter >= 0, latency <= 600_000, jitter <= 600_000 else {
            throw SimulatorError(.invalidArgument, "latencyMs and jitterMs must be within 0...600000")
        }
        self.init(
            rules: rules, latency: .nanoseconds(Int64(latency * 1_000_000)),
            jitter: .nanoseconds(Int64(jitter * 1_000_000)),
            seed: object["seed"]?.numberValue.flatMap { UInt64($0.text) })
        apfRate = object["apfRate"]?.numberValue?.doubleValue ?? 0
        apfQueue = Int(object.int("apfQueue") ?? 16)
        guard apfRate >= 0, apfRate <= 1_000_000, (0...100_000).contains(apfQueue) else {
            throw SimulatorError(.invalidArgument, "apfRate must be within 0...1000000 and apfQueue within 0...100000")
        }
    }
}
