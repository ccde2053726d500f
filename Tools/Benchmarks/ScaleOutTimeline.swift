import Glibc

/// What the scale-out benchmark reads back: who owned which command partition when (from the supervisors' JSON
/// logs: `partitions assigned`, `partitions revoked…`, `partitions lost`, plus the benchmark's own record of a
/// SIGKILL), and when each command was produced and its `pod_created` seen. Times are wall-clock seconds, as
/// the supervisors' `ts` fields are.
struct ScaleOutTimeline {
    /// One change of ownership: `supervisor` (a slot, 1…5: a restarted supervisor keeps its slot) took or let go
    /// of `partitions` (nil = all it had: the process was killed).
    struct Change {
        var time: Double
        var supervisor: Int
        var assigned: Bool
        var partitions: [Int32]?
    }

    /// One command: when it was produced, to which partition, and when its first `pod_created` arrived (0: not yet).
    struct Command {
        var producedAt: Double
        var partition: Int32 = -1
        var completedAt: Double = 0
    }

    var changes: [Change] = []

    /// Owner slot of each partition at `time` (partitions nobody owns are absent).
    func owners(at time: Double) -> [Int32: Int] {
        var owners: [Int32: Int] = [:]
        for change in changes where change.time <= time {
            if change.assigned {
                for partition in change.partitions ?? [] { owners[partition] = change.supervisor }
            } else if let partitions = change.partitions {
                for partition in partitions where owners[partition] == change.supervisor { owners[partition] = nil }
            } else {
                owners = owners.filter { $0.value != change.supervisor }
            }
        }
        return owners
    }

    /// The time of the last change in `start...end`, or nil when nothing changed.
    func lastChange(from start: Double, to end: Double) -> Double? {
        changes.filter { $0.time >= start && $0.time <= end }.map(\.time).max()
    }

    /// Adds the ownership lines of one supervisor's log.
    mutating func read(log text: String, supervisor: Int) {
        for line in text.split(separator: "\n") {
            guard let message = Self.field("msg", in: line), let ts = Self.field("ts", in: line),
                let time = Self.seconds(iso8601: ts)
            else { continue }
            let assigned: Bool
            if message == "partitions assigned" {
                assigned = true
            } else if message.hasPrefix("partitions revoked") || message == "partitions lost" {
                assigned = false
            } else {
                continue
            }
            // "saga_commands[3] saga_commands[7]": the numbers in brackets.
            let partitions = (Self.field("partitions", in: line) ?? "").split(separator: " ").compactMap {
                $0.split(separator: "[").last.flatMap { Int32($0.dropLast()) }
            }
            changes.append(Change(time: time, supervisor: supervisor, assigned: assigned, partitions: partitions))
        }
        changes.sort { $0.time < $1.time }
    }

    /// A field of one JSON log line whose value is a string without escapes (`ts`, `msg`, `partitions`).
    static func field(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: "\"\(name)\":\"") else { return nil }
        let rest = line[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// `2026-12-07T03:20:00.123Z` as seconds since the epoch.
    static func seconds(iso8601 text: String) -> Double? {
        let parts = text.split(whereSeparator: { "-T:.Z".contains($0) }).compactMap { Int32($0) }
        guard parts.count == 7 else { return nil }
        var fields = tm()
        fields.tm_year = parts[0] - 1900
        fields.tm_mon = parts[1] - 1
        fields.tm_mday = parts[2]
        fields.tm_hour = parts[3]
        fields.tm_min = parts[4]
        fields.tm_sec = parts[5]
        return Double(timegm(&fields)) + Double(parts[6]) / 1000
    }

    /// The longest time in `start...end` during which some command of `partitions` had been produced and was not
    /// done, and no command of them finished: the pause that a supervisor owning them saw, measured from outside.
    static func longestPause(
        of commands: [Command], partitions: Set<Int32>, from start: Double, to end: Double
    ) -> Double {
        let relevant = commands.filter {
            partitions.contains($0.partition) && $0.producedAt < end && ($0.completedAt == 0 || $0.completedAt >= start)
        }.sorted {
            ($0.completedAt == 0 ? .infinity : $0.completedAt) < ($1.completedAt == 0 ? .infinity : $1.completedAt)
        }
        // From each position on, the earliest production among the commands not yet done: work was available since.
        var availableSince = [Double](repeating: .infinity, count: relevant.count + 1)
        for index in stride(from: relevant.count - 1, through: 0, by: -1) {
            availableSince[index] = min(availableSince[index + 1], relevant[index].producedAt)
        }
        var longest = 0.0
        var previous = start
        for (index, command) in relevant.enumerated() {
            let done = command.completedAt == 0 ? end : min(command.completedAt, end)
            longest = max(longest, done - max(previous, availableSince[index]))
            if command.completedAt == 0 || command.completedAt >= end { break }
            previous = command.completedAt
        }
        return longest
    }

    /// Commands finished per second in each whole second of `start..<end`.
    static func ratePerSecond(of commands: [Command], from start: Double, to end: Double) -> [Int] {
        var buckets = [Int](repeating: 0, count: max(1, Int(end - start)))
        for command in commands where command.completedAt >= start && command.completedAt < end {
            let bucket = Int(command.completedAt - start)
            if bucket < buckets.count { buckets[bucket] += 1 }
        }
        return buckets
    }
}
