import SupervisorCore
import Testing

/// Exponential backoff with jitter and the pool-wide crash-loop breaker.
@Suite struct RestartPolicyTests {
    static func settings(threshold: Int = 3, window: Duration = .seconds(60)) -> Configuration.Restart {
        var restart = Configuration.Restart()
        restart.initialBackoff = .milliseconds(100)
        restart.maxBackoff = .seconds(30)
        restart.crashLoopThreshold = threshold
        restart.crashLoopWindow = window
        return restart
    }

    private func backoff(_ attempt: Int, jitter: Double = 0.5) -> Int64 {
        RestartPolicy.backoff(attempt: attempt, initial: .milliseconds(100), max: .seconds(30), jitter: jitter)
            .totalNanoseconds
    }

    /// Within a microsecond (the computation goes through floating point).
    private func expectClose(_ actual: Int64, _ expected: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(actual - expected) <= 1_000, "\(actual) != \(expected)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        (1, 100), (2, 200), (3, 400), (4, 800), (5, 1_600), (6, 3_200), (7, 6_400), (8, 12_800), (9, 25_600),
        (10, 30_000), (11, 30_000), (40, 30_000), (10_000, 30_000), (0, 100), (-3, 100),
    ])
    func doublesUpToTheCap(attempt: Int, milliseconds: Int64) {
        expectClose(backoff(attempt), milliseconds * 1_000_000)
    }

    @Test func jitterSpreadsByTenPercentEitherWay() {
        expectClose(backoff(3, jitter: 0), 360_000_000)
        expectClose(backoff(3, jitter: 0.999_999_999), 440_000_000)
        expectClose(backoff(3, jitter: -4), 360_000_000)  // clamped
        expectClose(backoff(3, jitter: 9), 440_000_000)  // clamped
        var generator = SeededGenerator(seed: 5)
        var low = Int64.max
        var high = Int64.min
        for _ in 0..<2000 {
            let attempt = Int.random(in: 1...9, using: &generator)
            let jitter = Double.random(in: 0..<1, using: &generator)
            let base = Int64(100_000_000) << (attempt - 1)
            let value = backoff(attempt, jitter: jitter)
            #expect(
                value >= base * 9 / 10 - 1_000 && value <= base * 11 / 10 + 1_000, "attempt \(attempt) jitter \(jitter)"
            )
            // Monotone in the jitter.
            #expect(backoff(attempt, jitter: jitter / 2) <= value)
            if attempt == 3 {
                low = min(low, value)
                high = max(high, value)
            }
        }
        #expect(low < 370_000_000 && high > 430_000_000, "jitter should use its whole range")
    }

    @Test func jitterNeverExceedsTheCap() {
        for jitter in stride(from: 0.0, to: 1.0, by: 0.01) {
            let value = backoff(12, jitter: jitter)
            #expect(value <= 30_000_000_000)
            #expect(value >= 27_000_000_000 - 1_000)
        }
    }

    @Test func crashLoopInsideTheWindowUsesTheMaximum() {
        var policy = RestartPolicy(settings: Self.settings(threshold: 3))
        #expect(!policy.inCrashLoop(at: seconds(0)))
        expectClose(policy.recordCrash(at: seconds(0), consecutive: 1, jitter: 0.5).totalNanoseconds, 100_000_000)
        expectClose(policy.recordCrash(at: seconds(20), consecutive: 1, jitter: 0.5).totalNanoseconds, 100_000_000)
        #expect(!policy.inCrashLoop(at: seconds(20)))
        #expect(policy.crashCount(at: seconds(20)) == 2)
        // Third crash within 60 s: the breaker trips, whatever the slot's own count.
        #expect(policy.recordCrash(at: seconds(40), consecutive: 1, jitter: 0.5) == .seconds(30))
        #expect(policy.inCrashLoop(at: seconds(40)))
        #expect(policy.crashCount(at: seconds(40)) == 3)
        // The window is inclusive: the crash at 0 still counts at 60 s.
        #expect(policy.inCrashLoop(at: seconds(60)))
        #expect(!policy.inCrashLoop(at: seconds(60.001)))
        #expect(policy.crashCount(at: seconds(60.001)) == 2)
        #expect(policy.crashCount(at: seconds(101)) == 0)
    }

    @Test func crashesSpreadWiderThanTheWindowNeverTripTheBreaker() {
        var policy = RestartPolicy(settings: Self.settings(threshold: 3, window: .seconds(60)))
        for index in 0..<20 {
            let now = seconds(Double(index) * 31)
            let delay = policy.recordCrash(at: now, consecutive: 2, jitter: 0.5)
            #expect(!policy.inCrashLoop(at: now), "crash \(index)")
            #expect(policy.crashCount(at: now) <= 2)
            expectClose(delay.totalNanoseconds, 200_000_000)
        }
    }

    @Test func breakerReleasesOnceCrashesAgeOut() {
        var policy = RestartPolicy(settings: Self.settings(threshold: 2, window: .seconds(10)))
        _ = policy.recordCrash(at: seconds(0), consecutive: 1, jitter: 0.5)
        #expect(policy.recordCrash(at: seconds(5), consecutive: 2, jitter: 0.5) == .seconds(30))
        // 20 s later both old crashes are outside the window: back to the slot's own backoff.
        expectClose(policy.recordCrash(at: seconds(25), consecutive: 3, jitter: 0.5).totalNanoseconds, 400_000_000)
    }

    @Test func thresholdOfOneMeansEveryCrashIsALoop() {
        var policy = RestartPolicy(settings: Self.settings(threshold: 1))
        #expect(policy.recordCrash(at: seconds(0), consecutive: 1, jitter: 0) == .seconds(30))
    }
}
