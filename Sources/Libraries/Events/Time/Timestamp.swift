/// An instant in UTC with microsecond precision, the resolution of Python's `datetime`.
///
/// The range is that of Python's `datetime`: 0001-01-01T00:00:00Z through
/// 9999-12-31T23:59:59.999999Z. Formatting follows upstream's encoder:
/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or `YYYY-MM-DDTHH:MM:SSZ` when the microseconds are 0.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z (negative before it).
    public let microsecondsSinceEpoch: Int64

    static let microsecondsPerSecond: Int64 = 1_000_000
    static let secondsPerDay: Int64 = 86_400

    /// The earliest representable instant, 0001-01-01T00:00:00Z.
    public static let min = Timestamp(unchecked: -62_135_596_800 * 1_000_000)
    /// The latest representable instant, 9999-12-31T23:59:59.999999Z.
    public static let max = Timestamp(unchecked: 253_402_300_800 * 1_000_000 - 1)
    /// 1970-01-01T00:00:00Z.
    public static let epoch = Timestamp(unchecked: 0)

    init(unchecked microseconds: Int64) {
        self.microsecondsSinceEpoch = microseconds
    }

    /// Creates a timestamp; `nil` outside ``min``...``max``.
    public init?(microsecondsSinceEpoch: Int64) {
        guard microsecondsSinceEpoch >= Timestamp.min.microsecondsSinceEpoch,
            microsecondsSinceEpoch <= Timestamp.max.microsecondsSinceEpoch
        else { return nil }
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Creates a timestamp from whole seconds plus microseconds (0...999 999);
    /// `nil` when out of range or the microseconds are invalid.
    public init?(secondsSinceEpoch seconds: Int64, microsecond: Int = 0) {
        guard (0..<1_000_000).contains(microsecond) else { return nil }
        let (scaled, overflow1) = seconds.multipliedReportingOverflow(by: Timestamp.microsecondsPerSecond)
        let (total, overflow2) = scaled.addingReportingOverflow(Int64(microsecond))
        guard !overflow1 && !overflow2 else { return nil }
        self.init(microsecondsSinceEpoch: total)
    }

    /// Creates a UTC timestamp from calendar fields; `nil` when any field is invalid
    /// (leap seconds are not representable, as in Python).
    public init?(
        year: Int, month: Int, day: Int,
        hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0
    ) {
        guard (1...9999).contains(year), let date = CivilDate(year: year, month: month, day: day),
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second),
            (0..<1_000_000).contains(microsecond)
        else { return nil }
        let secondOfDay = Int64(hour * 3600 + minute * 60 + second)
        let seconds = date.daysSinceEpoch * Timestamp.secondsPerDay + secondOfDay
        self.init(unchecked: seconds * Timestamp.microsecondsPerSecond + Int64(microsecond))
    }

    /// The calendar fields of this instant in UTC.
    public struct Components: Sendable, Hashable {
        /// Calendar date.
        public let date: CivilDate
        /// Hour, 0...23.
        public let hour: Int
        /// Minute, 0...59.
        public let minute: Int
        /// Second, 0...59.
        public let second: Int
        /// Microsecond, 0...999 999.
        public let microsecond: Int
    }

    /// The calendar fields of this instant in UTC.
    public var components: Components {
        let (seconds, micros) = Self.floorDivide(microsecondsSinceEpoch, Timestamp.microsecondsPerSecond)
        let (days, secondOfDay) = Self.floorDivide(seconds, Timestamp.secondsPerDay)
        return Components(
            date: CivilDate(daysSinceEpoch: days),
            hour: Int(secondOfDay / 3600),
            minute: Int(secondOfDay % 3600 / 60),
            second: Int(secondOfDay % 60),
            microsecond: Int(micros))
    }

    /// The wire form: `2026-03-06T21:29:12.481337Z`, or `2026-03-06T21:29:13Z` when the
    /// microseconds are 0 (pydantic's rule).
    public var iso8601: String {
        let parts = components
        var text: [UInt8] = []
        text.reserveCapacity(27)
        Self.appendDigits(parts.date.year, count: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.appendDigits(parts.date.month, count: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        Self.appendDigits(parts.date.day, count: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        Self.appendDigits(parts.hour, count: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        Self.appendDigits(parts.minute, count: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        Self.appendDigits(parts.second, count: 2, to: &text)
        if parts.microsecond != 0 {
            text.append(UInt8(ascii: "."))
            Self.appendDigits(parts.microsecond, count: 6, to: &text)
        }
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// Same as ``iso8601``.
    public var description: String { iso8601 }

    /// Chronological order.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// Quotient and remainder rounded towards negative infinity (remainder is never negative).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Appends the last `count` decimal digits of a non-negative `value`, zero-padded.
    private static func appendDigits(_ value: Int, count: Int, to text: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8(remaining / divisor % 10))
            remaining %= divisor
            divisor /= 10
        }
    }
}
