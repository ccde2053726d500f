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
            let near = supervisorKills.contains {
                abs($0 - at) < Self.quietAroundSupervisorKill
                    || abs($0 - (at + length)) < Self.quietAroundSupervisorKill
            }
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
    private static func moments(
        _ pace: ChaosFaultPlan.Pace, until end: Double, using random: inout SeededGenerator
    ) -> [Double] {
        var result: [Double] = []
        var at = Double.random(in: pace.interval, using: &random)
        while result.count < pace.maximum, at < end {
            result.append(at)
            at += Double.random(in: pace.interval, using: &random)
        }
        return result
    }

    private static func brokerFault(
        brokers: Int32, topics: [(name: String, partitions: Int)], using random: inout SeededGenerator
    ) -> BrokerFault {
        let broker = Int32.random(in: 1...max(1, brokers), using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1, 2:
            return .down(broker: broker)
        case 3:
            return .allDown
        case 4, 5:
            let topic = topics.randomElement(using: &random) ?? (name: "saga_commands", partitions: 1)
            return .leaderMove(
                topic: topic.name, partition: Int32.random(in: 0..<Int32(max(1, topic.partitions)), using: &random),
                broker: broker)
        case 6, 7, 8:
            let menu = BrokerFault.requestErrorMenu
            let (api, codes) = menu[Int.random(in: 0..<menu.count, using: &random)]
            let count = Int.random(in: 1...3, using: &random)
            return .requestErrors(
                api: api, codes: (0..<count).map { _ in codes[Int.random(in: 0..<codes.count, using: &random)] })
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
        return
            "worker SIGKILLs \(kills), SIGHUP resizes \(resizes), supervisor SIGKILLs \(supervisors), broker faults \(broker), "
            + "API fault windows \(api)"
    }
}
