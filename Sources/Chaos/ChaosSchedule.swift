import KafkaClient
import KubeSimulator

/// The fault timeline of a run, drawn from the seed before the run starts: pure, so a seed names one schedule
/// and the report can print it. Times are seconds from the first command produced.
public struct ChaosSchedule: Sendable {
    /// One action at one moment.
    public struct Entry: Sendable, Hashable {
        /// Seconds from the start.
        public var at: Double
        /// What happens.
        public var action: ChaosAction
    }

    /// Every action, in time order.
    public let entries: [Entry]

    /// Seconds around a supervisor kill kept free of broker faults, so that the committed offsets can be read
    /// the moment the supervisor is gone.
    static let quietAroundSupervisorKill = 3.0

    /// The schedule for `settings` against a cluster of `brokers` brokers holding `topics`.
    public init(settings: ChaosSettings, brokers: Int32, topics: [(name: String, partitions: Int)]) {
        var random = SeededGenerator(seed: settings.seed ^ 0x6368_616F_735F_7363)
        let end = settings.duration.seconds
        let plan = settings.faults
        var entries: [Entry] = []

        let kills = max(0, plan.supervisorKills)
        let supervisorKills = (0..<kills).map { index in
            end * (Double(index) + 1) / (Double(kills) + 1) + Double.random(in: -0.05...0.05, using: &random) * end
        }
        entries += supervisorKills.map { Entry(at: $0, action: .killSupervisor) }

        for at in Self.moments(plan.workerKills, until: end, using: &random) {
            entries.append(Entry(at: at, action: .killWorker(pick: random.next())))
        }
        var workers = settings.initialWorkers
        for at in Self.moments(plan.resizes, until: end, using: &random) {
            let choices = settings.workerCounts.filter { $0 != workers }
            guard let next = choices.randomElement(using: &random) else { break }
            workers = next
            entries.append(Entry(at: at, action: .resize(workers: next)))
        }

        // Broker faults do not overlap each other: each starts after the previous one recovered.
        var at = Double.random(in: plan.brokerFaults.interval, using: &random)
        var count = 0
        while count < plan.brokerFaults.maximum {
            let fault = Self.brokerFault(brokers: brokers, topics: topics, using: &random)
            let length = fault.lasts ? Double.random(in: fault.lengthRange, using: &random) : 0
            guard at + length < end - 1 else { break }
            let near = supervisorKills.contains { abs($0 - at) < Self.quietAroundSupervisorKill || abs($0 - (at + length)) < Self.quietAroundSupervisorKill }
            if !near {
                entries.append(Entry(at: at, action: .brokerFault(fault)))
                if fault.lasts { entries.append(Entry(at: at + length, action: .brokerRecovery(fault))) }
                count += 1
            }
            at += length + Double.random(in: plan.brokerFaults.interval, using: &random)
        }

        // API fault windows: on for 2–5 s, off for the pace's interval.
        at = Double.random(in: plan.apiFaultWindows.interval, using: &random)
        count = 0
        while count < plan.apiFaultWindows.maximum {
            let length = Double.random(in: 2...5, using: &random)
            guard at + length < end - 1 else { break }
            entries.append(Entry(at: at, action: .apiFaults(APIFaultLevel(using: &random))))
            entries.append(Entry(at: at + length, action: .apiFaultsOff))
            count += 1
            at += length + Double.random(in: plan.apiFaultWindows.interval, using: &random)
        }
        self.entries = entries.sorted { $0.at < $1.at }
    }

    /// Moments spaced by `pace.interval`, at most `pace.maximum`, before `end`.
    private static func moments(_ pace: ChaosFaultPlan.Pace, until end: Double, using random: inout SeededGenerator) -> [Double] {
        var result: [Double] = []
        var at = Double.random(in: pace.interval, using: &random)
        while result.count < pace.maximum, at < end {
            result.append(at)
            at += Double.random(in: pace.interval, using: &random)
        }
        return result
    }

    private static func brokerFault(brokers: Int32, topics: [(name: String, partitions: Int)], using random: inout SeededGenerator) -> BrokerFault {
        let broker = Int32.random(in: 1...max(1, brokers), using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1, 2:
            return .down(broker: broker)
        case 3:
            return .allDown
        case 4, 5:
            let topic = topics.randomElement(using: &random) ?? (name: "saga_commands", partitions: 1)
            return .leaderMove(topic: topic.name, partition: Int32.random(in: 0..<Int32(max(1, topic.partitions)), using: &random), broker: broker)
        case 6, 7, 8:
            let menu = BrokerFault.requestErrorMenu
            let (api, codes) = menu[Int.random(in: 0..<menu.count, using: &random)]
            let count = Int.random(in: 1...3, using: &random)
            return .requestErrors(api: api, codes: (0..<count).map { _ in codes[Int.random(in: 0..<codes.count, using: &random)] })
        default:
            return .slow(broker: broker, milliseconds: Int.random(in: 100...400, using: &random))
        }
    }

    /// How many actions of each kind, e.g. `worker kills 18, resizes 6, …`.
    public var summary: String {
        var kills = 0, resizes = 0, supervisors = 0, broker = 0, api = 0
        for entry in entries {
            switch entry.action {
            case .killWorker: kills += 1
            case .resize: resizes += 1
            case .killSupervisor: supervisors += 1
            case .brokerFault: broker += 1
            case .apiFaults: api += 1
            case .brokerRecovery, .apiFaultsOff: break
            }
        }
        return "worker SIGKILLs \(kills), SIGHUP resizes \(resizes), supervisor SIGKILLs \(supervisors), broker faults \(broker), "
            + "API fault windows \(api)"
    }
}

/// One thing the driver does.
public enum ChaosAction: Sendable, Hashable, CustomStringConvertible {
    /// SIGKILL the worker at index `pick % count` of the running supervisor's workers.
    case killWorker(pick: UInt64)
    /// Rewrite the configuration with this `workers.count` and SIGHUP the supervisor.
    case resize(workers: Int)
    /// SIGKILL the supervisor, read the committed offsets, start a new one with the same configuration.
    case killSupervisor
    /// Start a broker fault.
    case brokerFault(BrokerFault)
    /// End a lasting broker fault.
    case brokerRecovery(BrokerFault)
    /// Turn Kubernetes API faults on at this level.
    case apiFaults(APIFaultLevel)
    /// Turn Kubernetes API faults off.
    case apiFaultsOff

    public var description: String {
        switch self {
        case .killWorker: "SIGKILL a worker"
        case .resize(let workers): "SIGHUP with workers.count \(workers)"
        case .killSupervisor: "SIGKILL the supervisor, start another"
        case .brokerFault(let fault): fault.description
        case .brokerRecovery(let fault): "end of: \(fault.description)"
        case .apiFaults(let level): "API faults on: \(level.description)"
        case .apiFaultsOff: "API faults off"
        }
    }
}

/// A fault of the mock Kafka cluster.
public enum BrokerFault: Sendable, Hashable, CustomStringConvertible {
    /// One broker disconnects its clients and refuses connections.
    case down(broker: Int32)
    /// Every broker does (kept short: the group session outlives it).
    case allDown
    /// Every response of one broker is delayed.
    case slow(broker: Int32, milliseconds: Int)
    /// A partition's leadership moves.
    case leaderMove(topic: String, partition: Int32, broker: Int32)
    /// The next requests of one type fail with these (retriable) errors, whichever client sends them.
    case requestErrors(api: KafkaAPIKey, codes: [KafkaError.Code])

    /// Retriable errors by request type: what a real cluster answers during elections, coordinator moves and
    /// rebalances. A `rebalanceInProgress` heartbeat makes the supervisor rejoin the group (a rebalance).
    static let requestErrorMenu: [(KafkaAPIKey, [KafkaError.Code])] = [
        (.produce, [.notLeaderForPartition, .notEnoughReplicas, .leaderNotAvailable, .requestTimedOut]),
        (.fetch, [.notLeaderForPartition, .unknownTopicOrPartition]),
        (.offsetCommit, [.coordinatorNotAvailable, .notCoordinator, .coordinatorLoadInProgress]),
        (.offsetFetch, [.coordinatorLoadInProgress, .coordinatorNotAvailable]),
        (.heartbeat, [.rebalanceInProgress]),
    ]

    /// Whether it lasts (and is ended by a recovery) rather than being a one-off.
    var lasts: Bool {
        switch self {
        case .down, .allDown, .slow: true
        case .leaderMove, .requestErrors: false
        }
    }

    /// How long a lasting fault lasts, in seconds.
    var lengthRange: ClosedRange<Double> {
        switch self {
        case .allDown: 0.5...1.5
        default: 1...3
        }
    }

    public var description: String {
        switch self {
        case .down(let broker): "broker \(broker) down"
        case .allDown: "all brokers down"
        case .slow(let broker, let milliseconds): "broker \(broker) answers \(milliseconds) ms late"
        case .leaderMove(let topic, let partition, let broker): "leader of \(topic)[\(partition)] moves to broker \(broker)"
        case .requestErrors(let api, let codes): "request errors on \(Self.name(of: api)): \(codes.map(\.description).joined(separator: ", "))"
        }
    }

    static func name(of api: KafkaAPIKey) -> String {
        switch api {
        case .produce: "Produce"
        case .fetch: "Fetch"
        case .offsetCommit: "OffsetCommit"
        case .offsetFetch: "OffsetFetch"
        case .heartbeat: "Heartbeat"
        default: api.description
        }
    }
}

/// The Kubernetes API faults of one window, at moderate rates.
public struct APIFaultLevel: Sendable, Hashable, CustomStringConvertible {
    /// 429 with `Retry-After`.
    public var tooManyRequests: Double
    /// 500.
    public var internalError: Double
    /// 503.
    public var unavailable: Double
    /// 504.
    public var gatewayTimeout: Double
    /// Connection closed before the request runs.
    public var drop: Double
    /// Connection closed after the request ran (the write happened; the client cannot know).
    public var dropAfterExecution: Double
    /// Added latency and jitter, milliseconds. Jitter stays below the latency, so a request cannot overtake
    /// one sent well before it.
    public var latencyMilliseconds: Int
    public var jitterMilliseconds: Int
    /// `Retry-After` of the 429s, seconds.
    public var retryAfterSeconds: Int

    init(using random: inout SeededGenerator) {
        tooManyRequests = Double.random(in: 0.01...0.05, using: &random)
        internalError = Double.random(in: 0.005...0.03, using: &random)
        unavailable = Double.random(in: 0.005...0.03, using: &random)
        gatewayTimeout = Double.random(in: 0.005...0.03, using: &random)
        drop = Double.random(in: 0...0.02, using: &random)
        dropAfterExecution = Double.random(in: 0...0.02, using: &random)
        latencyMilliseconds = Int.random(in: 0...20, using: &random)
        jitterMilliseconds = Int.random(in: 0...max(0, latencyMilliseconds / 2), using: &random)
        retryAfterSeconds = Int.random(in: 1...2, using: &random)
    }

    /// The simulator's configuration for this level.
    public var configuration: FaultConfiguration {
        FaultConfiguration(
            rules: [
                FaultRule(.tooManyRequests, rate: tooManyRequests, retryAfterSeconds: retryAfterSeconds),
                FaultRule(.internalError, rate: internalError),
                FaultRule(.serviceUnavailable, rate: unavailable),
                FaultRule(.gatewayTimeout, rate: gatewayTimeout),
                FaultRule(.drop, rate: drop),
                FaultRule(.drop, rate: dropAfterExecution, afterExecution: true),
            ],
            latency: .milliseconds(latencyMilliseconds), jitter: .milliseconds(jitterMilliseconds))
    }

    public var description: String {
        func percent(_ rate: Double) -> String { String(Int((rate * 1000).rounded())) + "‰" }
        return "429 \(percent(tooManyRequests)) (Retry-After \(retryAfterSeconds) s), 500 \(percent(internalError)), "
            + "503 \(percent(unavailable)), 504 \(percent(gatewayTimeout)), drop \(percent(drop)), "
            + "drop after write \(percent(dropAfterExecution)), latency \(latencyMilliseconds)±\(jitterMilliseconds) ms"
    }
}
