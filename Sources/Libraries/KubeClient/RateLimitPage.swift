import Platform

/// The layout of the rate-limit words (``SharedWords``): one page per supervisor, mapped by every worker, or a
/// private copy for a client alone. Every word is an unsigned 64-bit integer; rates are in thousandths of a
/// request per second, instants are CLOCK_MONOTONIC nanoseconds (one clock for every process on the host).
enum RateLimitPage {
    /// Identifies an initialized page of this layout (`K8WRL001`), written last by ``RateLimitState/create``.
    static let magic: UInt64 = 0x4B38_5752_4C30_3031
    static let magicWord = 0
    /// ``RateLimitMode`` as ``modeCode(_:)``.
    static let mode = 1
    /// The ceiling (`kubernetes.qps`), in millirequests per second.
    static let ceiling = 2
    /// Requests that may go at once (`kubernetes.burst`).
    static let burst = 3
    /// The rate in force, in millirequests per second (the ceiling outside adaptive mode).
    static let rate = 4
    /// GCRA's theoretical arrival time: when the next request would be due at exactly the rate.
    static let arrival = 5
    /// No request goes before this instant (the latest `Retry-After`).
    static let notBefore = 6
    /// The last decrease, and the start of the current stretch of clean answers.
    static let lastDecrease = 7
    static let lastIncrease = 8
    /// Counters: 429 and 503 answers, decreases, requests that waited and their total wait, requests let through.
    static let throttled = 9
    static let decreases = 10
    static let waits = 11
    static let waitNanoseconds = 12
    static let granted = 13
    /// The send-rate meter: the start of its current period, ``granted`` then, and the rate measured over the
    /// period before (millirequests per second).
    static let meterStart = 14
    static let meterGranted = 15
    static let measuredRate = 16
    /// How many words the layout uses.
    static let count = 17

    static func modeCode(_ mode: RateLimitMode) -> UInt64 {
        switch mode {
        case .off: 0
        case .fixed: 1
        case .adaptive: 2
        }
    }

    static func mode(code: UInt64) -> RateLimitMode {
        switch code {
        case 1: .fixed
        case 2: .adaptive
        default: .off
        }
    }
}

/// What the limit shows in `/metrics` and STATUS, read from its words at one moment.
public struct RateLimitSnapshot: Sendable, Hashable {
    public var mode: RateLimitMode
    /// Requests per second: the configured ceiling and the rate in force.
    public var ceiling: Double
    public var rate: Double
    public var burst: Int
    /// 429 and 503 answers seen by every client sharing the limit.
    public var throttled: UInt64
    /// Times the adaptive rate was decreased.
    public var decreases: UInt64
    /// Requests that waited for the limit, and how long in total (seconds).
    public var waits: UInt64
    public var waitSeconds: Double
    /// Requests the limit let through.
    public var granted: UInt64
    /// Whether a `Retry-After` still holds every request.
    public var retryAfterActive: Bool

    /// `api rate 143/s of 500 (adaptive; 12 throttled)`, or `api rate unlimited` when off.
    public var summary: String {
        guard mode != .off else { return "api rate unlimited (\(throttled) throttled)" }
        var text = "api rate \(Self.text(rate))/s of \(Self.text(ceiling)) (\(mode.rawValue); \(throttled) throttled"
        if retryAfterActive { text += "; retry-after" }
        return text + ")"
    }

    private static func text(_ rate: Double) -> String {
        rate >= 10 || rate == rate.rounded() ? String(Int(rate.rounded())) : String(Double(Int(rate * 10)) / 10)
    }
}
