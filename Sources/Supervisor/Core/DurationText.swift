import Platform
/// Durations as people write them in configuration: `250ms`, `5s`, `2m`, `1h`, `1m30s`, or plain seconds.
public enum DurationText {
    /// Parses a duration; `nil` for anything malformed or negative.
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmed
        guard !text.isEmpty else { return nil }
        if let seconds = Double(text) {
            let nanos = (seconds * 1e9).rounded()
            return seconds >= 0 && nanos.isFinite && nanos < 9.2e18 ? .nanoseconds(Int64(nanos)) : nil
        }
        var total: Duration = .zero
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: return nil
            }
            let nanos = (value * scale).rounded()
            guard nanos.isFinite, nanos < 9.2e18 else { return nil }
            total += .nanoseconds(Int64(nanos))
        }
        return total
    }

    /// The shortest exact rendering among ms, s, m and h.
    public static func format(_ duration: Duration) -> String {
        let nanos = duration.nanosecondsClamped
        if nanos == 0 { return "0s" }
        if nanos % 3_600_000_000_000 == 0 { return "\(nanos / 3_600_000_000_000)h" }
        if nanos % 60_000_000_000 == 0 { return "\(nanos / 60_000_000_000)m" }
        if nanos % 1_000_000_000 == 0 { return "\(nanos / 1_000_000_000)s" }
        if nanos % 1_000_000 == 0 { return "\(nanos / 1_000_000)ms" }
        return "\(nanos)ns"
    }
}

extension Duration {
    /// Seconds as a floating-point number, for logs and status lines.
    public var seconds: Double { Double(nanosecondsClamped) / 1e9 }
}
