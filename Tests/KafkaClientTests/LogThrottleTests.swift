import Testing

@testable import KafkaClient

/// ``KafkaLogThrottle``: the first line of a kind passes, then one per interval with the count dropped since.
@Suite struct LogThrottleTests {
    static func line(_ message: String, facility: String = "FAIL", client: String = "c#consumer-1") -> KafkaLogLine {
        KafkaLogLine(level: .error, facility: facility, message: message, client: client)
    }

    static func connectFailed(after milliseconds: Int) -> KafkaLogLine {
        line(
            "[thrd:127.0.0.1:9/bootstrap]: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after \(milliseconds)ms in state CONNECT)"
        )
    }

    @Test func anOutageOf19LinesASecondLogsOnePer10SecondsWithTheCount() {
        var throttle = KafkaLogThrottle(interval: .seconds(10))
        var passed: [(at: Duration, suppressed: Int)] = []
        // 30 s of an outage, a report every 1/19 s, each with a different elapsed time in its text.
        for tick in 0..<(30 * 19) {
            let now = Duration.milliseconds(tick * 1000 / 19)
            if case .pass(let suppressed) = throttle.admit(Self.connectFailed(after: tick % 7), now: now) {
                passed.append((now, suppressed))
            }
        }
        #expect(passed.map(\.suppressed) == [0, 189, 189])
        #expect(passed.map(\.at) == [.zero, .milliseconds(10_000), .milliseconds(20_000)])
    }

    @Test func differentKindsAreLimitedSeparately() {
        var throttle = KafkaLogThrottle(interval: .seconds(10))
        #expect(throttle.admit(Self.line("broker down"), now: .zero) == .pass(suppressed: 0))
        #expect(throttle.admit(Self.line("broker down"), now: .seconds(1)) == .drop)
        #expect(
            throttle.admit(Self.line("broker down", facility: "REQTMOUT"), now: .seconds(1)) == .pass(suppressed: 0))
        #expect(
            throttle.admit(Self.line("broker down", client: "c#producer-2"), now: .seconds(1)) == .pass(suppressed: 0))
        #expect(throttle.admit(Self.line("all brokers down"), now: .seconds(1)) == .pass(suppressed: 0))
        #expect(throttle.admit(Self.line("broker down"), now: .seconds(2)) == .drop)
        #expect(throttle.admit(Self.line("broker down"), now: .seconds(10)) == .pass(suppressed: 2))
        #expect(throttle.admit(Self.line("broker down"), now: .seconds(11)) == .drop)
    }

    @Test func offsetResetsAndDebugLinesAlwaysPass() {
        var throttle = KafkaLogThrottle(interval: .seconds(10))
        for partition in 0..<5 {
            let reset = Self.line(
                "saga_commands [\(partition)]: offset reset (at offset 90) to END", facility: "OFFSET")
            #expect(throttle.admit(reset, now: .milliseconds(partition)) == .pass(suppressed: 0))
            let debug = KafkaLogLine(
                level: .debug, facility: "FETCH", message: "Fetch topic saga_commands [\(partition)]")
            #expect(throttle.admit(debug, now: .milliseconds(partition)) == .pass(suppressed: 0))
        }
    }

    @Test func memoryIsBoundedAndNewKindsStillPass() {
        var throttle = KafkaLogThrottle(interval: .seconds(10), capacity: 4)
        for index in 0..<4 {
            _ = throttle.admit(Self.line("kind \(String(UnicodeScalar(UInt8(97 + index))))"), now: .zero)
        }
        // Full of recent kinds: a new kind passes (and is not remembered, so it passes again).
        #expect(throttle.admit(Self.line("kind z"), now: .seconds(1)) == .pass(suppressed: 0))
        #expect(throttle.admit(Self.line("kind z"), now: .seconds(2)) == .pass(suppressed: 0))
        // Once the old kinds are quiet for an interval they are forgotten and the new kind is limited again.
        #expect(throttle.admit(Self.line("kind z"), now: .seconds(11)) == .pass(suppressed: 0))
        #expect(throttle.admit(Self.line("kind z"), now: .seconds(12)) == .drop)
    }
}
