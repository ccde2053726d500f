import SupervisorCore
import Testing

/// Durations as written in configuration.
@Suite struct DurationTextTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("5s", .seconds(5)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("1m30s", .seconds(90)),
        ("1h30m", .seconds(5400)),
        ("2h0m1s", .seconds(7201)),
        ("1s500ms", .milliseconds(1500)),
        ("1.5", .milliseconds(1500)),
        ("1.5s", .milliseconds(1500)),
        ("0.25m", .seconds(15)),
        (".5s", .milliseconds(500)),
        ("10", .seconds(10)),
        ("0", .zero),
        ("0s", .zero),
        ("100us", .microseconds(100)),
        ("100µs", .microseconds(100)),
        ("42ns", .nanoseconds(42)),
        ("  5s\t", .seconds(5)),
        ("1e3", .seconds(1000)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: [
        "", "   ", "s", "ms", "5x", "5 s", "-5s", "-1", "5s-1s", "1.2.3s", "abc", "5s5", "1d", "5S", "5sec", "nan",
        "inf", "-inf", "1_000s", "1,5s", "ms5", "5ss",
    ])
    func refuses(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.zero, "0s"),
        (.milliseconds(250), "250ms"),
        (.seconds(5), "5s"),
        (.seconds(120), "2m"),
        (.seconds(3600), "1h"),
        (.seconds(7200), "2h"),
        (.seconds(90), "90s"),
        (.milliseconds(1500), "1500ms"),
        (.seconds(5400), "90m"),
        (.nanoseconds(1), "1ns"),
        (.microseconds(1), "1000ns"),
        (.seconds(-5), "0s"),
    ])
    func formats(duration: Duration, expected: String) {
        #expect(DurationText.format(duration) == expected)
    }

    @Test func formatThenParseIsExact() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            let unit = [1, 1_000, 1_000_000, 1_000_000_000, 60_000_000_000, 3_600_000_000_000].randomElement(
                using: &generator)!
            let nanos = Int64.random(in: 1...1_000_000, using: &generator) * Int64(unit)
            let duration = Duration.nanoseconds(nanos)
            let text = DurationText.format(duration)
            #expect(DurationText.parse(text) == duration, "\(nanos) ns formatted as \(text)")
        }
    }

    @Test func decimalTextIsNotTruncatedToTheNanosecondBelow() {
        #expect(DurationText.parse("0.57m") == .milliseconds(34_200))
        #expect(DurationText.parse("0.00013") == .microseconds(130))
    }

    @Test(arguments: ["10000000000", "1e300"])
    func hugePlainSecondsAreRefusedNotACrash(text: String) async {
        // Regression: plain seconds were converted with Int64(seconds * 1e9), which traps above Int64.max ns.
        await #expect(processExitsWith: .success) { [text] in
            precondition(DurationText.parse(text) == nil)
        }
    }

    @Test func hugeValuesWithUnitsAreRefused() {
        #expect(DurationText.parse("10000000000s") == nil)
        #expect(DurationText.parse("1e400s") == nil)
    }
}
