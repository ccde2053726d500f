/// The end of a run: what was done, the counts, and every invariant that did not hold. Pure text from values.
public struct ChaosReport: Sendable {
    /// Seconds spent in each phase.
    public struct Timings: Sendable {
        public var chaos: Double
        public var drain: Double
        public var total: Double
    }

    public let settings: ChaosSettings
    public let verdict: ChaosVerdict
    public let tally: FaultTally
    /// Injected Kubernetes API faults by kind, from the simulator's counters.
    public let apiFaults: [String: Int]
    /// Problems outside the invariants (a supervisor that crashed or would not stop, a drain that did not end).
    public let problems: [String]
    public let timings: Timings
    /// Where the configuration and the supervisors' logs are (kept when the run failed).
    public let directory: String

    /// Whether every invariant held and nothing else went wrong.
    public var passed: Bool { verdict.passed && problems.isEmpty }

    /// The report, ending with a newline.
    public var text: String {
        let counts = verdict.counts
        let seconds = ChaosVerdict.seconds
        let topics = ["pod_events", "execution_events", "saga_commands.dlq"].map {
            "\($0) \(counts.recordsPerTopic[$0, default: 0])"
        }
        let deleted = counts.creates - counts.expectedPods
        let brokerFaults = tally.brokerFaults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
            separator: ", ")
        let apiFaults = apiFaults.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        var rows: [(String, String)] = [
            ("seed", "\(settings.seed)"),
            (
                "time",
                "\(seconds(timings.chaos)) of traffic and faults, drained in \(seconds(timings.drain)), \(seconds(timings.total)) in all"
            ),
            (
                "commands",
                "\(counts.creates + counts.deletes) (\(counts.creates) creates, \(counts.deletes) deletes of earlier creates) "
                    + "on \(counts.partitionsUsed) partitions, \(counts.creates) keys"
            ),
            ("events (distinct)", "pod_created \(counts.podCreated), execution_started \(counts.executionStarted)"),
            ("records read", topics.joined(separator: ", ")),
            (
                "duplicates",
                "\(counts.identicalDuplicates + counts.timestampOnlyDuplicates) extra copies, same event id each "
                    + "(\(counts.identicalDuplicates) byte-identical, \(counts.timestampOnlyDuplicates) differing only in timestamp); "
                    + "\(counts.republishedExecutions) executions published more than once"
            ),
            ("execution_failed / dead letters", "\(counts.executionFailed) / \(counts.deadLetters)"),
            (
                "simulator",
                "\(counts.pods) Pods, \(counts.configMaps) ConfigMaps (expected \(counts.expectedPods) each; "
                    + "\(deleted) deleted executions)"
            ),
            (
                "commits",
                "\(counts.committedRecords) of \(counts.endRecords) records committed at the end; "
                    + "\(counts.commitSamples) samples (\(tally.samplesSkipped) skipped in outages\(tally.sampleError.map { ", the last for: \($0)" } ?? "")), "
                    + "\(counts.offsetsChecked) offsets checked; supervisor frozen \(tally.freezes.count)× for sampling, "
                    + "\(tally.freezes.averageMilliseconds) ms on average, \(tally.freezes.longestMilliseconds) ms at most"
            ),
        ]
        for (index, committed) in counts.committedAtKills.enumerated() {
            rows.append(
                (
                    "supervisor SIGKILL \(index + 1)",
                    "\(committed) records committed at the kill; "
                        + "\(counts.redoneAfterKills[index]) finished but uncommitted creates done again"
                ))
        }
        rows += [
            ("worker SIGKILLs", "\(tally.workerKills) (\(tally.workerKillsSkipped) found no worker alive)"),
            (
                "SIGHUP resizes",
                "\(tally.workerCounts.count - 1): workers.count "
                    + tally.workerCounts.map(String.init).joined(separator: " → ")
            ),
            ("supervisor SIGKILLs", "\(tally.supervisorKills) (unexpected exits \(tally.unexpectedExits))"),
            ("broker faults", brokerFaults.isEmpty ? "none" : brokerFaults),
            ("API fault windows", "\(tally.apiFaultWindows); injected \(apiFaults.isEmpty ? "none" : apiFaults)"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        var lines = ["k8s-worker chaos report", ""]
        lines += rows.map { "| " + $0.0 + String(repeating: " ", count: width - $0.0.count) + " | " + $0.1 + " |" }
        lines.append("")
        if passed {
            lines.append("Result: OK (every invariant held)")
        } else {
            lines.append("Result: FAILED (files kept in \(directory))")
            lines += (verdict.violations + problems).map { "  - " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
