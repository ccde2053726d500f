import Platform

/// The client-side API rate limit as a state machine over ``SharedWords`` (layout: ``RateLimitPage``), so that
/// every process mapping the same page shares one rate without a lock (docs/decisions.md, D14).
///
/// **Spacing** is GCRA, the generic cell rate algorithm (ITU-T I.371; the "virtual scheduling" form): one word,
/// the theoretical arrival time `TAT`; with emission interval `T = 1/rate` and tolerance `τ = (burst − 1)·T`, a
/// request at `t` may go at `max(t, TAT − τ)` and moves `TAT` to `max(TAT, t) + T`. Reserving is one
/// compare-and-exchange, so concurrent callers in any process queue up `T` apart in arrival order.
///
/// **The rate** (adaptive mode) starts at the ceiling. A 429 or 503 cuts it to ``decreaseFactor`` of the rate
/// really sent in the last second (when that is lower than the allowance), but by half at most; at most once per
/// ``decreaseWindow`` (eight workers seeing the same overload decrease it once, not eight times), never below
/// ``floor``. An allowance far above what is sent (the ceiling is a safety cap) comes down by halves; a rate that
/// was binding keeps 0.7 of itself. The measurement alone is not trusted further: a second that held a
/// `Retry-After` pause, or the start, sent little, and cutting to that would throttle far below the server's
/// capacity. Clean answers raise the rate by ``growthPerSecond`` of itself per second, up to the ceiling, while
/// the rate is used (``usedShare``): growth in proportion to the rate recovers from a decrease in the same few
/// seconds whatever the server's capacity, where a step in proportion to the ceiling would overshoot a small
/// server at once.
/// `Retry-After` sets one `notBefore` instant that holds every request sharing the page, and the
/// requests after it are paced from that instant, without a burst.
///
/// Every function takes the monotonic time as a parameter, so tests drive the clock by hand.
public struct RateLimitState: Sendable {
    /// The decrease happens at most once per window: about one round trip of the overloaded server's answers.
    public static let decreaseWindow: Duration = .seconds(1)
    /// A decrease cuts the rate sent to this fraction: CUBIC's β (RFC 9438, section 4.6), which keeps more of a
    /// binding rate than halving does.
    public static let decreaseFactor = 0.7
    /// The adaptive rate never goes below this, in requests per second (client-go's default QPS,
    /// k8s.io/client-go/rest `DefaultQPS`), nor above the ceiling.
    public static let floor = 5.0
    /// Growth per second of clean answers, as a fraction of the rate in force: back from a decrease in about two
    /// seconds.
    public static let growthPerSecond = 0.2
    /// Clean answers raise the rate only while the send rate measured over the last second is at least this share
    /// of it.
    static let usedShare = 0.8
    /// Clean answers raise the rate at most this often (fewer compare-and-exchanges on a busy page).
    static let growthInterval: UInt64 = 100_000_000
    /// Growth after an idle stretch counts at most this long.
    static let growthCap: UInt64 = 1_000_000_000

    let words: SharedWords

    /// Initializes `words` (fresh, all zero) as a limit of `mode` with `ceiling` requests per second.
    public static func create(
        in words: SharedWords, mode: RateLimitMode, ceiling: Double, burst: Int
    ) -> RateLimitState {
        let state = RateLimitState(unchecked: words)
        state.configure(mode: mode, ceiling: ceiling, burst: burst)
        words.store(RateLimitPage.magicWord, RateLimitPage.magic)
        return state
    }

    /// Opens words another process initialized with ``create(in:mode:ceiling:burst:)``.
    public init(opening words: SharedWords) throws(SharedWords.Failure) {
        guard words.count >= RateLimitPage.count, words.load(RateLimitPage.magicWord) == RateLimitPage.magic else {
            throw SharedWords.Failure(description: "the descriptor does not hold an initialized rate-limit page")
        }
        self.words = words
    }

    private init(unchecked words: SharedWords) {
        self.words = words
    }

    /// Sets the mode, ceiling and burst (at creation, and on a reload). An adaptive rate above the new ceiling
    /// comes down to it; a fresh page, or another mode, starts at the ceiling. A ceiling of 0 means off.
    public func configure(mode: RateLimitMode, ceiling: Double, burst: Int) {
        let ceilingMilli = Self.milli(ceiling)
        let mode = ceilingMilli == 0 ? .off : mode
        let previous = RateLimitPage.mode(code: words.load(RateLimitPage.mode))
        words.store(RateLimitPage.ceiling, ceilingMilli)
        words.store(RateLimitPage.burst, UInt64(max(1, burst)))
        let rate = words.load(RateLimitPage.rate)
        if mode != .adaptive || previous != .adaptive || rate == 0 || rate > ceilingMilli {
            words.store(RateLimitPage.rate, ceilingMilli)
        }
        words.store(RateLimitPage.mode, RateLimitPage.modeCode(mode))
    }

    /// Reserves the next slot for a request at `now`. Returns when it may go (`now` when at once), or `nil`
    /// when that would be after `notAfter`; then nothing is reserved.
    public func reserve(now: UInt64, notAfter: UInt64) -> UInt64? {
        let rate = words.load(RateLimitPage.rate)
        guard words.load(RateLimitPage.mode) != RateLimitPage.modeCode(.off), rate > 0 else {
            words.add(RateLimitPage.granted, 1)
            return now
        }
        let interval = max(1, 1_000_000_000_000 / rate)
        let tolerance = interval &* (words.load(RateLimitPage.burst) - 1)
        let start = max(now, words.load(RateLimitPage.notBefore))
        // Lock-free: a failed exchange means another request reserved first; each turn re-reads its TAT.
        while true {
            let arrival = words.load(RateLimitPage.arrival)
            let ready = max(start, arrival > tolerance ? arrival - tolerance : 0)
            guard ready <= notAfter else { return nil }
            if words.compareExchange(
                RateLimitPage.arrival, expected: arrival, desired: max(arrival, start) &+ interval)
            {
                let granted = words.add(RateLimitPage.granted, 1) &+ 1
                meter(granted: granted, now: now)
                return ready
            }
        }
    }

    /// Rolls the send-rate meter once a second: the rate of requests let through over the period that ended.
    private func meter(granted: UInt64, now: UInt64) {
        let start = words.load(RateLimitPage.meterStart)
        guard start == 0 || now >= start &+ Self.meterPeriod,
            words.compareExchange(RateLimitPage.meterStart, expected: start, desired: now)
        else { return }
        let previous = words.load(RateLimitPage.meterGranted)
        words.store(RateLimitPage.meterGranted, granted)
        guard start != 0, granted > previous else { return }
        words.store(RateLimitPage.measuredRate, (granted - previous) &* 1_000_000_000_000 / (now - start))
    }

    /// The send-rate meter's period; a measurement older than two periods is not used.
    static let meterPeriod: UInt64 = 1_000_000_000

    /// Counts a request that waited `nanoseconds` for its slot.
    public func recordWait(nanoseconds: UInt64) {
        guard nanoseconds > 0 else { return }
        words.add(RateLimitPage.waits, 1)
        words.add(RateLimitPage.waitNanoseconds, nanoseconds)
    }

    /// What the API server answered at `now`: `status`, with `retryAfter` when it named one.
    ///
    /// 429 and 503 are throttling: counted, `Retry-After` holds every request, and the adaptive rate decreases
    /// (once per window). Other answers below 500 are clean and let the adaptive rate grow; other 5xx change
    /// nothing (a failing server is not a reason to speed up, nor an overload signal).
    public func answered(status: Int, retryAfter: Duration?, now: UInt64) {
        switch status {
        case 429, 503:
            throttled(retryAfter: retryAfter, now: now)
        case 200..<500:
            clean(now: now)
        default:
            break
        }
    }

    private func throttled(retryAfter: Duration?, now: UInt64) {
        words.add(RateLimitPage.throttled, 1)
        let mode = RateLimitPage.mode(code: words.load(RateLimitPage.mode))
        guard mode != .off else { return }
        if mode == .adaptive { decrease(now: now) }
        // After the rate changed: the pacing below uses the rate in force.
        if let retryAfter, retryAfter > .zero {
            let until = words.raise(RateLimitPage.notBefore, to: now &+ retryAfter.nanosecondsClamped)
            // Pace the requests after it from that instant: no burst when the server has just said "too many".
            let rate = max(1, words.load(RateLimitPage.rate))
            let tolerance = max(1, 1_000_000_000_000 / rate) &* (words.load(RateLimitPage.burst) - 1)
            words.raise(RateLimitPage.arrival, to: until &+ tolerance)
        }
    }

    /// Decreases the adaptive rate, unless another decrease happened within the window.
    private func decrease(now: UInt64) {
        let last = words.load(RateLimitPage.lastDecrease)
        guard last == 0 || now >= last &+ Self.decreaseWindow.nanosecondsClamped,
            words.compareExchange(RateLimitPage.lastDecrease, expected: last, desired: now)
        else { return }
        words.add(RateLimitPage.decreases, 1)
        words.store(RateLimitPage.lastIncrease, now)
        let floor = min(Self.milli(Self.floor), words.load(RateLimitPage.ceiling))
        let measured = words.load(RateLimitPage.measuredRate)
        let fresh = measured > 0 && now < words.load(RateLimitPage.meterStart) &+ 2 * Self.meterPeriod
        update(rate: { rate in
            let base = fresh ? min(rate, measured) : rate
            return max(floor, rate / 2, UInt64(Double(base) * Self.decreaseFactor))
        })
    }

    private func clean(now: UInt64) {
        guard words.load(RateLimitPage.mode) == RateLimitPage.modeCode(.adaptive),
            words.load(RateLimitPage.rate) < words.load(RateLimitPage.ceiling)
        else { return }
        // Grow only a rate that is (nearly) used: an allowance far above what is sent says nothing about the
        // server, and would let the next burst through unchecked (RFC 7661's rule for application-limited TCP).
        let measured = words.load(RateLimitPage.measuredRate)
        guard now < words.load(RateLimitPage.meterStart) &+ 2 * Self.meterPeriod,
            Double(measured) >= Self.usedShare * Double(words.load(RateLimitPage.rate))
        else { return }
        let last = words.load(RateLimitPage.lastIncrease)
        guard last != 0 else {
            _ = words.compareExchange(RateLimitPage.lastIncrease, expected: 0, desired: now)
            return
        }
        guard now >= last &+ Self.growthInterval,
            words.compareExchange(RateLimitPage.lastIncrease, expected: last, desired: now)
        else { return }
        let seconds = Double(min(now - last, Self.growthCap)) / 1e9
        let ceiling = words.load(RateLimitPage.ceiling)
        update(rate: { rate in
            let step = max(Double(Self.milli(1)) * seconds, Double(rate) * Self.growthPerSecond * seconds)
            return min(ceiling, rate + UInt64(step))
        })
    }

    private func update(rate change: (UInt64) -> UInt64) {
        var current = words.load(RateLimitPage.rate)
        while !words.compareExchange(RateLimitPage.rate, expected: current, desired: change(current)) {
            current = words.load(RateLimitPage.rate)
        }
    }

    /// The limit's state at `now`.
    public func snapshot(now: UInt64) -> RateLimitSnapshot {
        RateLimitSnapshot(
            mode: RateLimitPage.mode(code: words.load(RateLimitPage.mode)),
            ceiling: Double(words.load(RateLimitPage.ceiling)) / 1000,
            rate: Double(words.load(RateLimitPage.rate)) / 1000,
            burst: Int(clamping: words.load(RateLimitPage.burst)),
            throttled: words.load(RateLimitPage.throttled), decreases: words.load(RateLimitPage.decreases),
            waits: words.load(RateLimitPage.waits),
            waitSeconds: Double(words.load(RateLimitPage.waitNanoseconds)) / 1e9,
            granted: words.load(RateLimitPage.granted),
            retryAfterActive: words.load(RateLimitPage.notBefore) > now)
    }

    /// Requests per second in thousandths, rounded; 0 for anything not positive and finite.
    static func milli(_ rate: Double) -> UInt64 {
        guard rate.isFinite, rate > 0 else { return 0 }
        return UInt64(min(rate * 1000, 1e15).rounded())
    }
}
