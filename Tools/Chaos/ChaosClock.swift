import Glibc
import Platform

/// The monotonic clock, in seconds.
public enum ChaosClock {
    /// Seconds on `CLOCK_MONOTONIC`.
    public static func now() -> Double { Double(Instant.now().nanoseconds) / 1e9 }

    /// Blocks the calling thread (never the cooperative pool) for `seconds`: the pacing of a poll loop.
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
