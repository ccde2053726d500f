import Testing

/// Every test that runs the real binaries lives under this suite, so they run one at a time: they spawn
/// processes and measure descriptors, and a 2-core machine should not run several of them at once.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct Integration {
    /// Fast timings so failures are detected in well under a second.
    static func config(
        workers: Int = 2, concurrency: Int = 1, extra: String = "", quarantineAfter: Int = 3,
        commandDeadline: String = "30s", minReady: Int = 1,
        restart: String = "initial_backoff: 50ms\n  max_backoff: 1s", executable: String = ""
    ) -> String {
        """
        workers:
          count: \(workers)
          min_ready: \(minReady)
          concurrency: \(concurrency)
          handler: test
          executable: "\(executable)"
          handshake_timeout: 5s
          heartbeat_interval: 100ms
          heartbeat_timeout: 1s
          command_deadline: \(commandDeadline)
          quarantine_after: \(quarantineAfter)
        restart:
          \(restart)
        shutdown:
          drain_timeout: 10s
          kill_grace: 1s
        \(extra)
        """
    }
}
