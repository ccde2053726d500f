/// The fault state machine: rules, counters of remaining firings, and the seeded generator.
struct FaultInjector: Sendable {
    private(set) var configuration: FaultConfiguration
    private var generator: SeededGenerator
    /// The API Priority and Fairness model, when ``FaultConfiguration/apfRate`` is set.
    private var fairness: PriorityAndFairness?

    init(_ configuration: FaultConfiguration) {
        self.configuration = configuration
        generator = SeededGenerator(seed: configuration.seed)
        if configuration.apfRate > 0 {
            fairness = PriorityAndFairness(rate: configuration.apfRate, queueLength: configuration.apfQueue)
        }
    }

    /// Replaces the configuration (and reseeds).
    mutating func reset(_ configuration: FaultConfiguration) {
        self = FaultInjector(configuration)
    }

    /// Decides the fault and latency for a request arriving at `now` (monotonic nanoseconds). APF comes first, as
    /// in the API server, where the flow-control filter runs before the request reaches any handler.
    mutating func decide(verb: String, resource: String, now: UInt64) -> FaultDecision {
        var decision = FaultDecision(
            delayNanoseconds: configuration.latency.clampedNanoseconds, fault: nil, retryAfterSeconds: 0)
        switch fairness?.admit(now: now) {
        case .reject?:
            decision.fault = .tooManyRequests
            decision.retryAfterSeconds = 1
            return decision
        case .serve(let delay)?:
            decision.delayNanoseconds += delay
        case nil:
            break
        }
        let jitter = configuration.jitter.clampedNanoseconds
        if jitter > 0 { decision.delayNanoseconds += Int64(generator.unit() * Double(jitter)) }
        for index in configuration.rules.indices
        where configuration.rules[index].applies(verb: verb, resource: resource) {
            let rule = configuration.rules[index]
            guard rule.rate >= 1 || generator.unit() < rule.rate else { continue }
            if let remaining = rule.remaining { configuration.rules[index].remaining = remaining - 1 }
            decision.fault = rule.kind
            decision.retryAfterSeconds = rule.retryAfterSeconds
            decision.afterExecution = rule.afterExecution
            break
        }
        return decision
    }
}
