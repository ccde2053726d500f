import Events

/// W3C trace context (`traceparent: 00-<trace id>-<parent span id>-<flags>`), enough to continue a command's
/// trace in the events published for it.
public struct TraceParent: Sendable, Equatable, CustomStringConvertible {
    /// 32 lowercase hex digits, not all zero.
    public var traceID: String
    /// 16 lowercase hex digits, not all zero.
    public var spanID: String
    /// Two hex digits; `01` = sampled.
    public var flags: String

    /// Parses version 00 (and, as the spec asks, the first four fields of a future version); nil if malformed.
    public init?(header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", Self.isHex(parts[0]),
            parts[0] != "00" || parts.count == 4,
            parts[1].count == 32, Self.isHex(parts[1]), parts[1].contains(where: { $0 != "0" }),
            parts[2].count == 16, Self.isHex(parts[2]), parts[2].contains(where: { $0 != "0" }),
            parts[3].count == 2, Self.isHex(parts[3])
        else { return nil }
        traceID = String(parts[1])
        spanID = String(parts[2])
        flags = String(parts[3])
    }

    public init(traceID: String, spanID: String, flags: String) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// A child in the same trace whose span id is derived from `seed` (the published event's id), so a
    /// redelivered command republishes identical headers.
    public func child(seed: String) -> TraceParent {
        var span = Array(SHA1.hash(Array(seed.utf8)).hex.prefix(16))
        if span.allSatisfy({ $0 == "0" }) { span[15] = "1" }
        return TraceParent(traceID: traceID, spanID: String(span), flags: flags)
    }

    public var description: String { "00-\(traceID)-\(spanID)-\(flags)" }

    private static func isHex(_ text: Substring) -> Bool {
        text.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}
