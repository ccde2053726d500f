/// Rate-limits repeated librdkafka log lines: during a broker outage librdkafka reports the same reconnect error
/// many times a second, and each report differs only in its numbers (`after 3ms in state CONNECT`, `19 identical
/// error(s) suppressed`).
///
/// Lines are "similar" when the client, facility and text agree with every run of digits treated as equal. The
/// first of a kind passes; after that at most one per ``interval``, carrying how many similar lines were dropped
/// since the previous one passed. Lines of the `OFFSET` facility always pass (each reports an offset reset, which
/// skips or repeats records), and so do debug lines, which only the `debug` property asks for. A pure value: the caller supplies the time.
public struct KafkaLogThrottle: Sendable {
    /// The verdict on one line.
    public enum Verdict: Equatable, Sendable {
        /// Log it; `suppressed` similar lines were dropped since the previous one was logged.
        case pass(suppressed: Int)
        /// Drop it (counted for the next one that passes).
        case drop
    }

    private struct Kind: Hashable {
        var client: String
        var facility: String
        var shape: String
    }

    private struct Seen {
        var lastPassed: Duration
        var suppressed: Int
    }

    /// At most one line of a kind per this interval.
    public let interval: Duration
    /// Kinds remembered at most; beyond it, kinds quiet for an interval are forgotten (and pass again).
    public let capacity: Int
    private var seen: [Kind: Seen] = [:]

    public init(interval: Duration = .seconds(10), capacity: Int = 256) {
        self.interval = interval
        self.capacity = max(1, capacity)
    }

    /// Whether to log `line` at `now` (any monotonic clock's reading since a fixed origin).
    public mutating func admit(_ line: KafkaLogLine, now: Duration) -> Verdict {
        if line.facility == "OFFSET" || line.level == .debug { return .pass(suppressed: 0) }
        let kind = Kind(client: line.client, facility: line.facility, shape: Self.shape(of: line.message))
        guard var entry = seen[kind] else {
            if seen.count >= capacity { forgetQuiet(now: now) }
            if seen.count < capacity { seen[kind] = Seen(lastPassed: now, suppressed: 0) }
            return .pass(suppressed: 0)
        }
        guard now - entry.lastPassed >= interval else {
            entry.suppressed += 1
            seen[kind] = entry
            return .drop
        }
        seen[kind] = Seen(lastPassed: now, suppressed: 0)
        return .pass(suppressed: entry.suppressed)
    }

    private mutating func forgetQuiet(now: Duration) {
        seen = seen.filter { now - $0.value.lastPassed < interval }
    }

    /// The text with every run of digits replaced by `#`.
    static func shape(of message: String) -> String {
        var result = ""
        var inDigits = false
        for character in message {
            if character.isASCII, character.isNumber {
                if !inDigits { result.append("#") }
                inDigits = true
            } else {
                result.append(character)
                inDigits = false
            }
        }
        return result
    }
}
