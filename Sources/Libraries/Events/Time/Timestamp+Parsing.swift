extension Timestamp {
    /// Parses a date-time the way pydantic 2.9 (speedate) accepts it, converting to UTC.
    ///
    /// Accepted forms:
    /// - `YYYY-MM-DD` + separator (`T`, `t`, space or `_`) + `HH:MM`, optionally `:SS`, optionally
    ///   a fraction after `.` or `,` with **any number of digits: digits beyond the sixth are
    ///   truncated** (not rounded), as pydantic's default `microseconds_precision="truncate"` does;
    /// - then optionally `Z`/`z`, or an offset `±HH:MM` / `±HHMM` (also U+2212 minus), which is
    ///   converted to UTC; without an offset the value is naive and **taken as UTC**;
    /// - a bare date `YYYY-MM-DD` (midnight UTC);
    /// - a numeric string such as `"1700000000"` or `"-1.5"`, read as a Unix epoch
    ///   (see ``init(unixEpoch:)`` for the seconds/milliseconds rule).
    ///
    /// Leap seconds (`:60`), hour 24, year 0 and offsets of 24 h or more are rejected.
    public init(parsing text: String) throws(TimestampParseError) {
        let bytes = Array(text.utf8)
        do {
            self = try Timestamp.parseISO8601(bytes)
        } catch {
            guard let decimal = DecimalNumber.parse(bytes, grammar: .epochText) else { throw error }
            self = try Timestamp(epoch: decimal)
        }
    }

    /// Parses the ISO-8601 / RFC 3339 family described in ``init(parsing:)``.
    static func parseISO8601(_ bytes: [UInt8]) throws(TimestampParseError) -> Timestamp {
        var reader = DateTimeReader(bytes: bytes)
        guard bytes.count >= 10 else { throw TimestampParseError(offset: 0, reason: .tooShort) }
        let year = try reader.number(digits: 4, field: "year")
        try reader.expect(UInt8(ascii: "-"), "'-' after the year")
        let month = try reader.number(digits: 2, field: "month")
        try reader.expect(UInt8(ascii: "-"), "'-' after the month")
        let day = try reader.number(digits: 2, field: "day")
        guard year >= 1 else { throw TimestampParseError(offset: 0, reason: .fieldOutOfRange(field: "year")) }
        guard (1...12).contains(month) else {
            throw TimestampParseError(offset: 5, reason: .fieldOutOfRange(field: "month"))
        }
        guard let date = CivilDate(year: year, month: month, day: day) else {
            throw TimestampParseError(offset: 8, reason: .fieldOutOfRange(field: "day"))
        }
        var secondOfDay: Int64 = 0
        var microsecond: Int64 = 0
        var offsetSeconds: Int64 = 0

        if !reader.atEnd {
            guard let separator = reader.peek,
                separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
                    || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "_")
            else {
                throw TimestampParseError(offset: 10, reason: .invalidCharacter(expected: "'T' between date and time"))
            }
            reader.advance()
            guard bytes.count - reader.index >= 5 else { throw TimestampParseError(offset: 0, reason: .tooShort) }
            let hour = try reader.number(digits: 2, field: "hour")
            try reader.expect(UInt8(ascii: ":"), "':' after the hour")
            let minute = try reader.number(digits: 2, field: "minute")
            guard hour < 24 else { throw TimestampParseError(offset: 11, reason: .fieldOutOfRange(field: "hour")) }
            guard minute < 60 else { throw TimestampParseError(offset: 14, reason: .fieldOutOfRange(field: "minute")) }
            var second = 0
            if reader.peek == UInt8(ascii: ":") {
                reader.advance()
                let secondOffset = reader.index
                second = try reader.number(digits: 2, field: "second")
                guard second < 60 else {
                    throw TimestampParseError(offset: secondOffset, reason: .fieldOutOfRange(field: "second"))
                }
                if reader.peek == UInt8(ascii: ".") || reader.peek == UInt8(ascii: ",") {
                    reader.advance()
                    microsecond = try reader.truncatedFraction()
                }
            }
            secondOfDay = Int64(hour * 3600 + minute * 60 + second)
            offsetSeconds = try reader.utcOffset()
            guard reader.atEnd else {
                throw TimestampParseError(offset: reader.index, reason: .trailingCharacters)
            }
        }
        let localSeconds = date.daysSinceEpoch * secondsPerDay + secondOfDay
        let utcMicroseconds = (localSeconds - offsetSeconds) * microsecondsPerSecond + microsecond
        guard let timestamp = Timestamp(microsecondsSinceEpoch: utcMicroseconds) else {
            throw TimestampParseError(offset: 0, reason: .outOfRange)
        }
        return timestamp
    }
}
