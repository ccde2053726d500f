import Glibc
import KubeClient

/// The Pod creation attempts a command's 500s have taken (`used`, over all its dispatches) against
/// `workers.max_create_attempts` (`limit`, 0 for none).
struct CreateAttempts: Equatable {
    var used: UInt32
    var limit: UInt32

    /// Attempts left, `nil` without a limit.
    var remaining: UInt32? { limit == 0 ? nil : limit > used ? limit - used : 0 }

    /// Whether no attempt is left.
    var exhausted: Bool { remaining == 0 }
}

/// When a command expires (`workers.max_command_age` after its own timestamp), as the supervisor computed it on
/// the wall clock, turned into a monotonic deadline once so that every later check agrees with the API calls'
/// deadlines.
struct CommandExpiry {
    /// `nil`: the command never expires.
    let deadline: KubeDeadline?

    /// From ``DispatchedCommand/expiresAtMilliseconds`` (0: never).
    init(expiresAtMilliseconds: UInt64, wallClockMilliseconds: UInt64 = CommandExpiry.wallClockMilliseconds()) {
        guard expiresAtMilliseconds != 0 else {
            deadline = nil
            return
        }
        let left = expiresAtMilliseconds > wallClockMilliseconds ? expiresAtMilliseconds - wallClockMilliseconds : 0
        deadline = .after(.milliseconds(Int64(clamping: left)))
    }

    /// Whether the command has expired.
    var hasPassed: Bool { deadline?.hasPassed ?? false }

    /// Whether the command expires within `margin` (or has): a retry could not start before it.
    func passes(within margin: Duration) -> Bool { deadline.map { $0.remaining <= margin } ?? false }

    /// Whether the expiry comes before `other`, so that it ends what runs under ``capping(_:)``.
    func caps(_ other: KubeDeadline) -> Bool { deadline.map { $0 < other } ?? false }

    /// `other`, or the expiry when that comes first.
    func capping(_ other: KubeDeadline) -> KubeDeadline { deadline.map { min($0, other) } ?? other }

    /// The wall clock (`CLOCK_REALTIME`) in milliseconds since the Unix epoch.
    static func wallClockMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(max(0, now.tv_sec)) * 1000 + UInt64(max(0, now.tv_nsec)) / 1_000_000
    }
}
