extension Duration {
    /// Whole milliseconds, truncated toward zero and saturated to the `Int64` range.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (fromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowSum) = fromSeconds.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflowSum { return seconds < 0 ? .min : .max }
        return total
    }

    /// Milliseconds as librdkafka's `int timeout_ms`: rounded up so that a positive duration never becomes 0,
    /// clamped to `0...Int32.max`.
    var timeoutMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        var milliseconds = wholeMilliseconds
        if attoseconds % 1_000_000_000_000_000 != 0 { milliseconds += 1 }
        return Int32(clamping: milliseconds)
    }
}
