import Glibc

/// A point on CLOCK_MONOTONIC, in nanoseconds: the one monotonic clock of the product and the tools. The pure
/// state machines take it as a parameter, so tests drive time by hand; only event loops and deadlines read it.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since an arbitrary origin (boot).
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current CLOCK_MONOTONIC reading.
    public static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Instant(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds &+ rhs.nanosecondsClamped)
    }

    /// `rhs` earlier, saturating at the origin.
    public static func - (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds &- min(lhs.nanoseconds, rhs.nanosecondsClamped))
    }

    /// The time from `earlier` to `self`, zero if `earlier` is later.
    public func since(_ earlier: Instant) -> Duration {
        nanoseconds > earlier.nanoseconds ? .nanoseconds(Int64(clamping: nanoseconds - earlier.nanoseconds)) : .zero
    }

    public var description: String { "\(nanoseconds / 1_000_000)ms" }
}

extension Duration {
    /// Whole nanoseconds, clamped to 0...UInt64.max.
    public var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (product, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Whole milliseconds, clamped to the range of `Int32` (what epoll_wait takes).
    public var millisecondsForPoll: Int32 {
        let millis = nanosecondsClamped / 1_000_000 + (nanosecondsClamped % 1_000_000 == 0 ? 0 : 1)
        return Int32(clamping: millis)
    }
}
