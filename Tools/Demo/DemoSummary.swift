/// The end-of-run report: a table of counts and latencies, the dead-lettered records and failures, and the
/// verdict with every unmet expectation. Pure text from a tally.
public struct DemoSummary: Sendable {
    /// The run's parameters, for the heading.
    public struct Run: Sendable {
        /// Worker processes.
        public var workers: Int
        /// Added simulator latency in milliseconds.
        public var apiLatencyMilliseconds: Int
        /// Seconds from the first record produced to the end.
        public var elapsedSeconds: Double
        /// Whether the observation hit its deadline.
        public var timedOut: Bool

        /// A run description.
        public init(workers: Int, apiLatencyMilliseconds: Int, elapsedSeconds: Double, timedOut: Bool) {
            self.workers = workers
            self.apiLatencyMilliseconds = apiLatencyMilliseconds
            self.elapsedSeconds = elapsedSeconds
            self.timedOut = timedOut
        }
    }

    /// What the demo planned.
    public var plan: DemoPlan
    /// What it saw.
    public var tally: DemoTally
    /// How it ran.
    public var run: Run
    /// Extra problems found outside the tally (e.g. the supervisor's exit code).
    public var extraProblems: [String]

    /// A summary of `tally` against `plan`.
    public init(plan: DemoPlan, tally: DemoTally, run: Run, extraProblems: [String] = []) {
        self.plan = plan
        self.tally = tally
        self.run = run
        self.extraProblems = extraProblems
    }

    /// Every unmet expectation; empty means the demo succeeded.
    public var problems: [String] {
        (run.timedOut ? ["timed out after \(DemoSummary.fixed(run.elapsedSeconds, digits: 1)) s"] : [])
            + tally.unmetExpectations
            + extraProblems
    }

    /// Whether every expectation held.
    public var succeeded: Bool { problems.isEmpty }

    /// The report, ending with a newline.
    public var text: String {
        let latencies = tally.latenciesMilliseconds
        let latency =
            latencies.isEmpty
            ? "n/a"
            : "\(Self.fixed(Self.percentile(latencies, 0.50), digits: 1)) ms / \(Self.fixed(Self.percentile(latencies, 0.99), digits: 1)) ms"
        let breakdown =
            "\(plan.validCreates.count) creates, \(plan.disallowedCreates.count) disallowed image, "
            + "\(plan.deletedExecutions.count) deletes, \(plan.poisonKeys.count) poison"
        var rows: [(String, String)] = [
            ("commands produced", "\(tally.produced) (\(breakdown))"),
            ("pods in simulator", "\(tally.pods) (expected \(tally.expectedPods))"),
            ("configmaps in simulator", "\(tally.configMaps)"),
        ]
        for topic in ["pod_events", "execution_events", "saga_commands.dlq"] {
            rows.append(("records on \(topic)", "\(tally.eventsPerTopic[topic, default: 0])"))
        }
        rows += [
            ("pod_created / execution_started", "\(tally.podCreated.count) / \(tally.executionStarted.count)"),
            ("execution_failed", "\(tally.failures.count)"),
            ("dead-lettered", "\(tally.deadLetters.count)"),
            ("latency p50 / p99 (produce → first event)", latency),
            (
                "first command, start-up included",
                tally.startupMilliseconds.map { "\(Self.fixed($0, digits: 1)) ms" } ?? "n/a"
            ),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        var lines = [
            "k8s-worker demo: \(run.workers) worker(s), \(run.apiLatencyMilliseconds) ms API latency, "
                + "\(Self.fixed(run.elapsedSeconds, digits: 1)) s", "",
        ]
        lines += rows.map { "| " + $0.0 + String(repeating: " ", count: width - $0.0.count) + " | " + $0.1 + " |" }
        if !tally.deadLetters.isEmpty {
            lines += ["", "Dead-lettered records:"]
            lines += tally.deadLetters.map { "  \($0.key): \($0.reason ?? "(no x-dlq-error header)")" }
        }
        if !tally.failures.isEmpty {
            lines += ["", "Failures (execution_failed):"]
            lines += tally.failures.map { "  \($0.executionID): \(Self.oneLine($0.reason))" }
        }
        let problems = problems
        lines.append("")
        if problems.isEmpty {
            lines.append("Result: OK (every expectation held)")
        } else {
            lines.append("Result: FAILED")
            lines += problems.map { "  - " + Self.oneLine($0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return digits == 0
            ? sign + String(whole)
            : sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    private static func oneLine(_ text: String) -> String {
        String(text.prefix(300).map { $0.isNewline ? " " : $0 })
    }
}
