import Platform
/// When to start a replacement for a worker that died: exponential backoff per slot plus a pool-wide
/// crash-loop breaker. Pure: the caller supplies the time and the jitter.
public struct RestartPolicy: Sendable {
    /// Tunables (see ``Configuration/Restart``).
    public var settings: Configuration.Restart
    /// Recent unexpected exits, for crash-loop detection.
    private var recentCrashes: [Instant] = []

    public init(settings: Configuration.Restart) {
        self.settings = settings
    }

    /// Whether crashes within the window reached the threshold.
    public func inCrashLoop(at now: Instant) -> Bool {
        recentCrashes.filter { now.since($0) <= settings.crashLoopWindow }.count >= settings.crashLoopThreshold
    }

    /// Crashes counted within the window.
    public func crashCount(at now: Instant) -> Int {
        recentCrashes.filter { now.since($0) <= settings.crashLoopWindow }.count
    }

    /// Records an unexpected exit and returns how long the slot waits before its next start.
    ///
    /// - Parameters:
    ///   - consecutive: unexpected exits of this slot in a row, including this one (1 for the first).
    ///   - jitter: a number in 0..<1 spreading restarts by up to ±10%.
    public mutating func recordCrash(at now: Instant, consecutive: Int, jitter: Double) -> Duration {
        recentCrashes.append(now)
        recentCrashes.removeAll { now.since($0) > settings.crashLoopWindow }
        if inCrashLoop(at: now) { return settings.maxBackoff }
        return Self.backoff(
            attempt: consecutive, initial: settings.initialBackoff, max: settings.maxBackoff, jitter: jitter)
    }

    /// `initial × 2^(attempt−1)`, capped at `max`, then spread by ±10% with `jitter` in 0..<1.
    public static func backoff(attempt: Int, initial: Duration, max maximum: Duration, jitter: Double) -> Duration {
        let exponent = Swift.min(Swift.max(attempt - 1, 0), 30)
        let raw = initial.seconds * Double(1 << exponent)
        let capped = Swift.min(raw, maximum.seconds)
        let spread = capped * (0.9 + 0.2 * Swift.min(Swift.max(jitter, 0), 1))
        return .nanoseconds(Int64(Swift.min(spread, maximum.seconds) * 1e9))
    }
}
