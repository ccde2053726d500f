import Platform
import TestKit
import Testing

@testable import KubeClient

/// The API rate limit's state machine, driven by a hand-held clock (README, "API rate limit"; docs/decisions.md,
/// D14): GCRA spacing, the adaptive rate (decreasing on 429/503 once per window, from the measured send rate; growth on clean answers, the floor
/// and the ceiling), `Retry-After` held by every view of a page, the fixed and off modes, and one page shared by
/// two mappings.
@Suite("API rate limit: the adaptive state machine")
struct RateLimitStateTests {
    private let second: UInt64 = 1_000_000_000
    private let start: UInt64 = 1_000 * 1_000_000_000

    private func limit(_ mode: RateLimitMode, ceiling: Double, burst: Int) -> RateLimitState {
        RateLimitState.create(
            in: SharedWords.local(count: RateLimitPage.count), mode: mode, ceiling: ceiling, burst: burst)
    }

    private func rate(_ state: RateLimitState, at now: UInt64? = nil) -> Double {
        state.snapshot(now: now ?? start).rate
    }

    /// Rates are kept in thousandths of a request per second, truncated: equal within a hundredth.
    private func near(_ rate: Double, _ expected: Double) -> Bool { abs(rate - expected) < 0.01 }

    @Test("spacing: a full burst goes at once, then reservations are 1/rate apart; idle refills only the burst")
    func burstThenSpacing() {
        let state = limit(.fixed, ceiling: 10, burst: 5)
        let burst = (0..<5).compactMap { _ in state.reserve(now: start, notAfter: .max) }
        #expect(burst == Array(repeating: start, count: 5))
        let queued = (0..<3).compactMap { _ in state.reserve(now: start, notAfter: .max) }
        #expect(queued.map { $0 - start } == [second / 10, 2 * second / 10, 3 * second / 10])
        let later = start + 100 * second
        #expect((0..<5).allSatisfy { _ in state.reserve(now: later, notAfter: .max) == later })
        #expect(state.reserve(now: later, notAfter: .max) == later + second / 10)
        #expect(state.snapshot(now: later).granted == 14)
    }

    @Test("spacing: a reservation past the caller's limit is refused and reserves nothing")
    func refusesPastLimit() {
        let state = limit(.fixed, ceiling: 2, burst: 1)
        #expect(state.reserve(now: start, notAfter: start) == start)
        #expect(state.reserve(now: start, notAfter: start + second / 4) == nil, "the next slot is 0.5 s away")
        #expect(state.reserve(now: start, notAfter: start + second) == start + second / 2, "nothing was taken")
    }

    @Test("off, and a ceiling of 0 in any mode: never waits, and a 429 changes no rate")
    func offNeverWaits() {
        for state in [limit(.off, ceiling: 10, burst: 1), limit(.adaptive, ceiling: 0, burst: 1)] {
            #expect((0..<1000).allSatisfy { _ in state.reserve(now: start, notAfter: start) == start })
            state.answered(status: 429, retryAfter: .seconds(5), now: start)
            #expect(
                state.reserve(now: start, notAfter: start) == start, "off ignores Retry-After (each call has its own)")
            #expect(state.snapshot(now: start).mode == .off)
            #expect(state.snapshot(now: start).throttled == 1, "still counted")
        }
    }

    @Test("adaptive: starts at the ceiling; a 429 cuts the rate to 0.7 once per window, however many arrive")
    func decreasesOncePerWindow() {
        let state = limit(.adaptive, ceiling: 400, burst: 10)
        #expect(rate(state) == 400)
        for _ in 0..<8 { state.answered(status: 429, retryAfter: nil, now: start) }
        #expect(near(rate(state), 280), "eight simultaneous 429s decrease it once")
        state.answered(status: 503, retryAfter: nil, now: start + second / 2)
        #expect(near(rate(state), 280), "still inside the window")
        state.answered(status: 503, retryAfter: nil, now: start + second)
        #expect(near(rate(state), 196), "a new window: 503 counts as 429 does")
        let snapshot = state.snapshot(now: start + second)
        #expect(snapshot.throttled == 10 && snapshot.decreases == 2)
    }

    @Test("adaptive: the decrease starts from the rate really sent in the last second, but halves at most")
    func decreaseFromMeasuredRate() {
        for (ceiling, expected) in [(120.0, 100 * 0.7), (2000, 1000)] {
            let state = limit(.adaptive, ceiling: ceiling, burst: 1000)
            for _ in 0..<100 { _ = state.reserve(now: start, notAfter: .max) }
            for _ in 0..<100 { _ = state.reserve(now: start + second, notAfter: .max) }
            // The meter rolled at start + 1 s: 100 requests let through in that second (the 99 at start after the
            // first, which opened the meter, and the first at start + 1 s).
            state.answered(status: 429, retryAfter: nil, now: start + second + second / 2)
            #expect(near(rate(state), expected), "ceiling \(ceiling): 0.7 of the 100/s sent, or half the allowance")
            // Seconds later with nothing sent, the measurement is stale: the decrease starts from the rate in force.
            state.answered(status: 429, retryAfter: nil, now: start + 10 * second)
            #expect(near(rate(state), expected * 0.7))
        }
    }

    @Test("adaptive: the rate never goes below the floor, nor a ceiling under it")
    func floor() {
        let state = limit(.adaptive, ceiling: 400, burst: 10)
        for window in 0..<20 { state.answered(status: 429, retryAfter: nil, now: start + UInt64(window) * second) }
        #expect(rate(state) == RateLimitState.floor)
        let tiny = limit(.adaptive, ceiling: 2, burst: 1)
        tiny.answered(status: 429, retryAfter: nil, now: start)
        #expect(rate(tiny) == 2, "the floor is the ceiling when the ceiling is lower")
    }

    /// A thousand requests let through at `now` (the limit queues them; the meter counts them).
    private func busy(_ state: RateLimitState, at now: UInt64) {
        for _ in 0..<1000 { _ = state.reserve(now: now, notAfter: .max) }
    }

    @Test("adaptive: clean answers grow a used rate by a fifth per second, up to the ceiling and no further")
    func growsToCeiling() {
        let state = limit(.adaptive, ceiling: 1000, burst: 10)
        let ms = second / 1000
        state.answered(status: 429, retryAfter: nil, now: start)
        state.answered(status: 429, retryAfter: nil, now: start + second)
        #expect(near(rate(state), 490))
        busy(state, at: start + second + 10 * ms)  // opens the send-rate meter
        state.answered(status: 201, retryAfter: nil, now: start + second + 50 * ms)
        #expect(near(rate(state), 490), "no growth within 100 ms of the decrease")
        busy(state, at: start + 2 * second + 10 * ms)  // 1,000/s sent
        state.answered(status: 200, retryAfter: nil, now: start + 2 * second + 20 * ms)
        #expect(near(rate(state), 588), "one clean second: +20%")
        state.answered(status: 500, retryAfter: nil, now: start + 3 * second)
        #expect(near(rate(state), 588), "a 500 is neither clean nor throttling")
        busy(state, at: start + 4 * second)  // about 500/s sent over the last two seconds
        state.answered(status: 404, retryAfter: nil, now: start + 4 * second + 10 * ms)
        #expect(near(rate(state), 705.6), "a 404 is a clean answer; a longer stretch counts one second at most")
        state.answered(status: 200, retryAfter: nil, now: start + 4 * second + 600 * ms)
        #expect(near(rate(state), 705.6), "500/s sent is under 80% of 705.6/s: an unused rate does not grow")
        var now = start + 5 * second
        for _ in 0..<40 {
            now += second / 2
            busy(state, at: now)
            state.answered(status: 200, retryAfter: nil, now: now + ms)
        }
        #expect(rate(state) == 1000, "bounded by the ceiling")
    }

    @Test("Retry-After holds every request of the page until it passes, then paces them without a burst")
    func retryAfterHoldsAll() throws {
        let page = try SharedWords.shared(count: RateLimitPage.count, name: "rate-limit-test")
        let first = RateLimitState.create(in: page, mode: .adaptive, ceiling: 100, burst: 50)
        let otherMapping = try SharedWords.mapping(
            descriptor: try #require(page.descriptor), count: RateLimitPage.count)
        let second = try RateLimitState(opening: otherMapping)
        first.answered(status: 429, retryAfter: .seconds(2), now: start)
        let until = start + 2 * self.second
        #expect(second.snapshot(now: start).retryAfterActive)
        #expect(second.reserve(now: start, notAfter: start + self.second) == nil, "no slot before Retry-After ends")
        let interval: UInt64 = 1_000_000_000_000 / 70_000  // the decreased rate, 70/s
        let grants = (0..<3).compactMap { _ in second.reserve(now: start + self.second / 2, notAfter: .max) }
        #expect(grants == [until, until + interval, until + 2 * interval], "from Retry-After on, paced")
        #expect(!first.snapshot(now: until).retryAfterActive)
    }

    @Test("fixed: the ceiling is the rate, 429 changes nothing but Retry-After still holds every request")
    func fixedMode() {
        let state = limit(.fixed, ceiling: 50, burst: 1)
        for window in 0..<5 { state.answered(status: 429, retryAfter: nil, now: start + UInt64(window) * second) }
        #expect(rate(state) == 50)
        state.answered(status: 429, retryAfter: .seconds(1), now: start + 10 * second)
        #expect(state.reserve(now: start + 10 * second, notAfter: .max) == start + 11 * second)
        #expect(state.snapshot(now: start).decreases == 0 && state.snapshot(now: start).throttled == 6)
    }

    @Test("reload: a lower ceiling caps the adaptive rate, another mode resets it to the ceiling")
    func reconfigure() {
        let state = limit(.adaptive, ceiling: 400, burst: 10)
        state.answered(status: 429, retryAfter: nil, now: start)
        state.configure(mode: .adaptive, ceiling: 1000, burst: 10)
        #expect(near(rate(state), 280), "a higher ceiling keeps the learned rate")
        state.configure(mode: .adaptive, ceiling: 100, burst: 10)
        #expect(rate(state) == 100)
        state.configure(mode: .fixed, ceiling: 300, burst: 10)
        #expect(rate(state) == 300 && state.snapshot(now: start).mode == .fixed)
        #expect(state.snapshot(now: start).summary == "api rate 300/s of 300 (fixed; 1 throttled)")
    }

    @Test("one page, two mappings: the rate and the spacing are one; an uninitialized page is refused")
    func sharedPage() throws {
        let page = try SharedWords.shared(count: RateLimitPage.count, name: "rate-limit-test")
        let descriptor = try #require(page.descriptor)
        let blank = try SharedWords.mapping(descriptor: descriptor, count: RateLimitPage.count)
        #expect(throws: SharedWords.Failure.self) { try RateLimitState(opening: blank) }
        let supervisor = RateLimitState.create(in: page, mode: .adaptive, ceiling: 1000, burst: 1)
        let views = try (0..<2).map { _ in
            try RateLimitState(opening: try SharedWords.mapping(descriptor: descriptor, count: RateLimitPage.count))
        }
        views[0].answered(status: 429, retryAfter: nil, now: start)
        #expect(rate(views[1]) == 700 && rate(supervisor) == 700, "one decrease, seen by every mapping")
        // Four threads on two mappings reserve 2,000 slots at one instant: every slot is distinct, 1/700 s apart.
        let grants = Locked<[UInt64]>([])
        TestThreads.run(count: 4) { index in
            var mine: [UInt64] = []
            for _ in 0..<500 {
                if let ready = views[index % 2].reserve(now: start, notAfter: .max) { mine.append(ready) }
            }
            grants.withLock { $0 += mine }
        }
        let sorted = grants.withLock { $0 }.sorted()
        #expect(sorted.count == 2000)
        let interval: UInt64 = 1_000_000_000_000 / 700_000
        #expect(sorted == (0..<2000).map { start + UInt64($0) * interval })
        #expect(supervisor.snapshot(now: start).granted == 2000)
    }
}
