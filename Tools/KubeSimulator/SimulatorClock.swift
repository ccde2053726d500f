import Events
import Glibc
import Platform

/// The two clocks the simulator reads: CLOCK_MONOTONIC (Platform's ``Instant``) for deadlines, CLOCK_REALTIME
/// for timestamps.
enum SimulatorClock {
    /// Nanoseconds on CLOCK_MONOTONIC.
    static func monotonicNanoseconds() -> UInt64 { Instant.now().nanoseconds }

    /// Nanoseconds from `start` to `now` on the monotonic clock, zero when `start` is the later reading (a stamp
    /// taken after `now` was read, which is normal within one loop iteration).
    static func elapsed(from start: UInt64, to now: UInt64) -> UInt64 { now > start ? now - start : 0 }

    /// Microseconds since the Unix epoch on CLOCK_REALTIME.
    static func wallMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) &* 1_000_000 &+ Int64(spec.tv_nsec / 1000)
    }

    /// Now as a Kubernetes timestamp: RFC 3339, UTC, whole seconds (`2026-03-06T21:29:13Z`).
    static func rfc3339Now() -> String { rfc3339(wallMicroseconds: wallMicroseconds()) }

    /// A wall-clock instant as a Kubernetes timestamp (seconds precision).
    static func rfc3339(wallMicroseconds: Int64) -> String {
        let seconds = wallMicroseconds / 1_000_000
        return (Timestamp(secondsSinceEpoch: seconds) ?? Timestamp.epoch).iso8601
    }

    /// A wall-clock instant with microseconds, for the request log.
    static func rfc3339Micro(wallMicroseconds: Int64) -> String {
        (Timestamp(microsecondsSinceEpoch: wallMicroseconds) ?? Timestamp.epoch).iso8601
    }
}

extension Duration {
    /// Whole nanoseconds, clamped at zero and `Int64.max`.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (sum, overflow2) = product.addingReportingOverflow(max(0, attoseconds) / 1_000_000_000)
        return overflow2 ? .max : sum
    }

    /// Milliseconds as a floating-point number.
    var milliseconds: Double { Double(clampedNanoseconds) / 1_000_000 }
}
