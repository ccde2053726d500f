import Glibc
import Platform

/// A point in `CLOCK_MONOTONIC` time: when a call must be finished.
///
/// Deadlines, not timeouts, travel through the client so that retries, rate-limit waits and credential plugins
/// all draw on one budget. The monotonic clock never jumps with the wall clock.
public struct KubeDeadline: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds on `CLOCK_MONOTONIC` (time since boot, excluding suspend).
    public let uptimeNanoseconds: UInt64

    /// A deadline at an absolute monotonic time.
    public init(uptimeNanoseconds: UInt64) {
        self.uptimeNanoseconds = uptimeNanoseconds
    }

    /// The current monotonic time.
    public static func now() -> KubeDeadline {
        KubeDeadline(uptimeNanoseconds: Monotonic.nanoseconds())
    }

    /// `duration` from now; negative durations give now, huge ones saturate.
    public static func after(_ duration: Duration) -> KubeDeadline {
        now().advanced(by: duration)
    }

    /// This deadline moved by `duration` (saturating at both ends of the clock).
    public func advanced(by duration: Duration) -> KubeDeadline {
        let nanoseconds = duration.saturatingNanoseconds
        if nanoseconds >= 0 {
            let (sum, overflow) = uptimeNanoseconds.addingReportingOverflow(UInt64(nanoseconds))
            return KubeDeadline(uptimeNanoseconds: overflow ? .max : sum)
        }
        let magnitude = nanoseconds.magnitude
        return KubeDeadline(uptimeNanoseconds: uptimeNanoseconds > magnitude ? uptimeNanoseconds - magnitude : 0)
    }

    /// The time left until the deadline; zero when it has passed.
    public var remaining: Duration {
        let now = Monotonic.nanoseconds()
        guard uptimeNanoseconds > now else { return .zero }
        return .nanoseconds(Int64(clamping: uptimeNanoseconds - now))
    }

    /// Whether the deadline is now or in the past.
    public var hasPassed: Bool { Monotonic.nanoseconds() >= uptimeNanoseconds }

    /// The earlier of two deadlines.
    public static func earliest(_ lhs: KubeDeadline, _ rhs: KubeDeadline) -> KubeDeadline { min(lhs, rhs) }

    /// Orders by monotonic time.
    public static func < (lhs: KubeDeadline, rhs: KubeDeadline) -> Bool {
        lhs.uptimeNanoseconds < rhs.uptimeNanoseconds
    }

    /// The remaining time, for logs.
    public var description: String { "KubeDeadline(in \(remaining))" }
}

/// The monotonic clock and sleeping on it.
enum Monotonic {
    /// `CLOCK_MONOTONIC` in nanoseconds.
    static func nanoseconds() -> UInt64 { Instant.now().nanoseconds }

    /// Blocks the calling thread until `deadline` (absolute, so signals that interrupt the sleep cost nothing).
    /// Only for the client's own blocking threads: never call this from Swift's cooperative pool.
    static func sleep(until deadline: KubeDeadline) {
        var target = timespec(
            tv_sec: Int(deadline.uptimeNanoseconds / 1_000_000_000),
            tv_nsec: Int(deadline.uptimeNanoseconds % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }

    /// The wall clock (`CLOCK_REALTIME`) in seconds since the Unix epoch, for credential expiry times.
    static func wallClockSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64`.
    var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// Whole milliseconds, rounded up, at least `minimum`, clamped to what libcurl's `long` options take.
    func curlMilliseconds(minimum: Int = 1) -> Int {
        let nanoseconds = saturatingNanoseconds
        guard nanoseconds > 0 else { return minimum }
        let milliseconds = nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 == 0 ? 0 : 1)
        return Swift.max(minimum, Int(clamping: milliseconds))
    }
}
