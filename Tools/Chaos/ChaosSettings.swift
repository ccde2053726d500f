import Glibc

/// What one chaos run does: how much traffic for how long, which faults how often, and how long the system may
/// take to settle afterwards. The defaults are the test's bounded configuration (50 s of traffic, 2250 commands,
/// about 2000 of them creates; the debug build's pipeline carries about 45 commands/s on two cores).
public struct ChaosSettings: Sendable {
    /// Seeds the command stream and the fault schedule: the same seed gives the same commands and the same
    /// schedule (the product's own timing still varies from run to run).
    public var seed: UInt64
    /// How long commands are produced and faults injected.
    public var duration: Duration = .seconds(50)
    /// Commands produced per second (evenly paced).
    public var commandsPerSecond: Double = 45
    /// Share of commands that delete an earlier create (the rest are creates).
    public var deleteFraction: Double = 0.1
    /// A create may be deleted once this many commands have been produced after it.
    public var deleteMinimumAge = 50
    /// Worker counts a reload may choose from.
    public var workerCounts: ClosedRange<Int> = 2...4
    /// Workers of the first supervisor.
    public var initialWorkers = 3
    /// Commands one worker holds at once.
    public var concurrency = 4
    /// Which faults, how often, how many at most.
    public var faults = ChaosFaultPlan()
    /// Longest wait, after the faults stop, for every invariant to become checkable (events in, offsets
    /// committed to the end, cluster converged).
    public var drainTimeout: Duration = .seconds(60)
    /// How often committed offsets are sampled during the run.
    public var sampleInterval: Duration = .seconds(1)
    /// How often a progress line is printed (zero: never).
    public var progressInterval: Duration = .seconds(10)
    /// The directory holding `k8s-worker` and `k8s-worker-process`.
    public var binDirectory: String
    /// Log level of supervisors and workers.
    public var logLevel = "warning"
    /// Keep the run's directory (configuration, supervisor logs) even when every invariant held.
    public var keepFiles = false

    /// The test's configuration with `seed`; binaries next to the running executable.
    public init(seed: UInt64, binDirectory: String = ChaosSettings.executableDirectory) {
        self.seed = seed
        self.binDirectory = binDirectory
    }

    /// Commands the run produces.
    public var commandCount: Int {
        max(1, Int((duration.seconds * commandsPerSecond).rounded()))
    }

    /// The environment variable that overrides the seed.
    public static let seedVariable = "K8S_WORKER_CHAOS_SEED"

    /// The seed from ``seedVariable`` when it holds a number (decimal or `0x` hex), else a random one.
    public static func seedFromEnvironment() -> UInt64 {
        if let text = getenv(seedVariable).map({ String(cString: $0) }), let seed = parseSeed(text) { return seed }
        return UInt64.random(in: 1...UInt64(UInt32.max))
    }

    /// A decimal or `0x`-prefixed hexadecimal seed.
    public static func parseSeed(_ text: String) -> UInt64? {
        let trimmed = text.filter { !$0.isWhitespace }
        if trimmed.hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
        return UInt64(trimmed)
    }

    /// The directory of the running executable (`/proc/self/exe`): where SwiftPM puts every product, the test
    /// bundle included.
    public static var executableDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = String(decoding: buffer[0..<max(0, count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }
}

/// The faults of a run. Every kind is bounded in count (`maximum`) and spaced by a random gap drawn from
/// `interval` (seconds); a kind with maximum 0 is off.
public struct ChaosFaultPlan: Sendable {
    /// A fault kind's pacing.
    public struct Pace: Sendable {
        /// At most this many.
        public var maximum: Int
        /// Seconds between two (uniform).
        public var interval: ClosedRange<Double>

        /// A pace.
        public init(maximum: Int, interval: ClosedRange<Double>) {
            self.maximum = maximum
            self.interval = interval
        }
    }

    /// SIGKILL of a random worker of the running supervisor.
    public var workerKills = Pace(maximum: 30, interval: 1.0...3.0)
    /// Rewrite `workers.count` and SIGHUP.
    public var resizes = Pace(maximum: 8, interval: 4.0...8.0)
    /// SIGKILL of the supervisor and a new one in its place (same group, same configuration), at evenly spread
    /// moments; the first halfway through for a single one.
    public var supervisorKills = 1
    /// Broker faults: one broker down, all brokers down briefly, a partition leader moved, request errors,
    /// a slow broker.
    public var brokerFaults = Pace(maximum: 12, interval: 2.0...5.0)
    /// Windows of Kubernetes API faults (429 with Retry-After, 500, 503, 504, dropped connections, latency):
    /// on for 2–5 s, then off for the pace's interval.
    public var apiFaultWindows = Pace(maximum: 12, interval: 2.0...4.0)

    /// The test's faults.
    public init() {}

    /// No faults: a baseline.
    public static var none: ChaosFaultPlan {
        var plan = ChaosFaultPlan()
        for pace in [\ChaosFaultPlan.workerKills, \.resizes, \.brokerFaults, \.apiFaultWindows] {
            plan[keyPath: pace].maximum = 0
        }
        plan.supervisorKills = 0
        return plan
    }

    /// Counts scaled to `duration`: enough for the pace to last the whole run.
    public mutating func scale(to duration: Duration) {
        func fit(_ pace: inout Pace) {
            let shortest = max(pace.interval.lowerBound, 0.1)
            pace.maximum = Int((duration.seconds / shortest).rounded(.up))
        }
        fit(&workerKills)
        fit(&resizes)
        fit(&brokerFaults)
        fit(&apiFaultWindows)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
