import Testing
@testable import Events

@Suite("Timestamps: civil arithmetic, pydantic-compatible parsing, upstream formatting")
struct TimestampTests {
    private func at(_ text: String) throws -> Timestamp {
        try Timestamp(parsing: text)
    }

    private func parseError(_ text: String) -> TimestampParseError? {
        do {
            _ = try Timestamp(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test("format drops the fraction only when microseconds are 0")
    func formatting() throws {
        #expect(
            try #require(Timestamp(year: 2026, month: 3, day: 6, hour: 21, minute: 29, second: 13)).iso8601
                == "2026-03-06T21:29:13Z")
        #expect(
            try #require(
                Timestamp(year: 2026, month: 3, day: 6, hour: 21, minute: 29, second: 12, microsecond: 481_337)
            ).iso8601
                == "2026-03-06T21:29:12.481337Z")
        #expect(
            try #require(Timestamp(year: 2026, month: 3, day: 6, microsecond: 1)).iso8601
                == "2026-03-06T00:00:00.000001Z")
        #expect(
            try #require(Timestamp(year: 2026, month: 3, day: 6, microsecond: 420_000)).iso8601
                == "2026-03-06T00:00:00.420000Z")
        #expect(Timestamp.epoch.iso8601 == "1970-01-01T00:00:00Z")
        #expect(Timestamp.min.iso8601 == "0001-01-01T00:00:00Z")
        #expect(Timestamp.max.iso8601 == "9999-12-31T23:59:59.999999Z")
        #expect(try #require(Timestamp(microsecondsSinceEpoch: -1)).iso8601 == "1969-12-31T23:59:59.999999Z")
    }

    @Test(
        "format → parse → format round trips",
        arguments: [
            "2024-02-29T12:00:00Z", "2000-02-29T23:59:59.999999Z", "1900-03-01T00:00:00Z",
            "2100-02-28T00:00:00.000001Z",
            "1999-12-31T23:59:59.999999Z", "2000-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00.000001Z",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2026-03-06T21:29:12.481337Z",
            "1600-02-29T06:07:08.090000Z",
        ])
    func roundTrips(text: String) throws {
        let timestamp = try at(text)
        #expect(timestamp.iso8601 == text)
        #expect(try at(timestamp.iso8601) == timestamp)
        #expect(Timestamp(microsecondsSinceEpoch: timestamp.microsecondsSinceEpoch) == timestamp)
    }

    @Test("leap years and year boundaries in calendar fields")
    func calendarRules() throws {
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2023, month: 4, day: 31) == nil)
        let lastMicro = try at("2023-12-31T23:59:59.999999Z")
        let next = try #require(Timestamp(microsecondsSinceEpoch: lastMicro.microsecondsSinceEpoch + 1))
        #expect(next.iso8601 == "2024-01-01T00:00:00Z")
        let leapDay = try at("2024-02-28T23:59:59.999999Z")
        #expect(
            try #require(Timestamp(microsecondsSinceEpoch: leapDay.microsecondsSinceEpoch + 1)).iso8601
                == "2024-02-29T00:00:00Z")
        #expect(
            try at("2024-03-01T00:00:00Z").microsecondsSinceEpoch - leapDay.microsecondsSinceEpoch == 86_400_000_001)
    }

    @Test("days ↔ civil date agree with a day-by-day walk over 1600...2400 and the range ends")
    func civilWalk() throws {
        var expected = try #require(CivilDate(year: 1600, month: 1, day: 1))
        var days = expected.daysSinceEpoch
        #expect(days == -135_140)
        while expected.year < 2400 {
            #expect(CivilDate(daysSinceEpoch: days) == expected)
            #expect(expected.daysSinceEpoch == days)
            let nextDay = expected.day + 1
            if let sameMonth = CivilDate(year: expected.year, month: expected.month, day: nextDay) {
                expected = sameMonth
            } else if expected.month < 12 {
                expected = try #require(CivilDate(year: expected.year, month: expected.month + 1, day: 1))
            } else {
                expected = try #require(CivilDate(year: expected.year + 1, month: 1, day: 1))
            }
            days += 1
        }
        #expect(try #require(CivilDate(year: 1, month: 1, day: 1)).daysSinceEpoch == -719_162)
        #expect(try #require(CivilDate(year: 9999, month: 12, day: 31)).daysSinceEpoch == 2_932_896)
        #expect(CivilDate(daysSinceEpoch: -719_162) == CivilDate(year: 1, month: 1, day: 1))
    }

    @Test(
        "offsets convert to UTC; naive and Z are UTC",
        arguments: [
            ("2026-03-06T21:29:12Z", "2026-03-06T21:29:12Z"),
            ("2026-03-06T21:29:12z", "2026-03-06T21:29:12Z"),
            ("2026-03-06T21:29:12+00:00", "2026-03-06T21:29:12Z"),
            ("2026-03-06T21:29:12-00:00", "2026-03-06T21:29:12Z"),
            ("2026-03-06T21:29:12", "2026-03-06T21:29:12Z"),
            ("2026-03-06T21:29:12.5+05:30", "2026-03-06T15:59:12.500000Z"),
            ("2026-03-06T21:29:12+0530", "2026-03-06T15:59:12Z"),
            ("2026-03-06T21:29:12-08:00", "2026-03-07T05:29:12Z"),
            ("2026-03-06T21:29:12\u{2212}01:00", "2026-03-06T22:29:12Z"),
            ("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z"),
            ("2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00Z"),
            ("2026-03-06T23:59:59+23:59", "2026-03-06T00:00:59Z"),
            ("2026-03-06 21:29", "2026-03-06T21:29:00Z"),
            ("2026-03-06_21:29:12", "2026-03-06T21:29:12Z"),
            ("2026-03-06t21:29:12,25Z", "2026-03-06T21:29:12.250000Z"),
            ("2026-03-06", "2026-03-06T00:00:00Z"),
        ])
    func lenientForms(input: String, expected: String) throws {
        #expect(try at(input).iso8601 == expected)
    }

    @Test(
        "fraction digits: 1–6 scale, more than 6 are truncated (pydantic's default)",
        arguments: [
            ("2026-03-06T21:29:12.1Z", "2026-03-06T21:29:12.100000Z"),
            ("1600-02-29T06:07:08.09Z", "1600-02-29T06:07:08.090000Z"),
            ("2026-03-06T21:29:12.000137Z", "2026-03-06T21:29:12.000137Z"),
            ("2026-03-06T21:29:12.1234567Z", "2026-03-06T21:29:12.123456Z"),
            ("2026-03-06T21:29:12.999999999Z", "2026-03-06T21:29:12.999999Z"),
            ("2026-03-06T21:29:12.0000009Z", "2026-03-06T21:29:12Z"),
            ("2026-03-06T21:29:12.12345678901234567890Z", "2026-03-06T21:29:12.123456Z"),
        ])
    func fractionDigits(input: String, expected: String) throws {
        #expect(try at(input).iso8601 == expected)
    }

    @Test(
        "epoch numbers: seconds, then milliseconds above 2e10 (pydantic's watershed)",
        arguments: [
            ("0", "1970-01-01T00:00:00Z"),
            ("1700000000", "2023-11-14T22:13:20Z"),
            ("1700000000.123456", "2023-11-14T22:13:20.123456Z"),
            ("1700000000.1234567", "2023-11-14T22:13:20.123457Z"),
            ("1.7e9", "2023-11-14T22:13:20Z"),
            ("-1.25", "1969-12-31T23:59:58.750000Z"),
            ("20000000000", "2603-10-11T11:33:20Z"),
            ("20000000001", "1970-08-20T11:33:20.001000Z"),
            ("-20000000001", "1969-05-14T12:26:39.999000Z"),
            ("1700000000123", "2023-11-14T22:13:20.123000Z"),
            ("1700000000123.5", "2023-11-14T22:13:20.123500Z"),
            ("-11676096000", "1600-01-01T00:00:00Z"),
            ("253402300799999", "9999-12-31T23:59:59.999000Z"),
        ])
    func epochNumbers(number: String, expected: String) throws {
        let timestamp = try Timestamp(unixEpoch: try #require(JSONNumber(number)))
        #expect(timestamp.iso8601 == expected)
    }

    @Test("numeric strings are epochs too, as in pydantic")
    func numericStrings() throws {
        #expect(try at("1700000000").iso8601 == "2023-11-14T22:13:20Z")
        #expect(try at("+1700000000").iso8601 == "2023-11-14T22:13:20Z")
        #expect(try at("-1700000000").iso8601 == "1916-02-18T01:46:40Z")
        #expect(try at("1700000000.5").iso8601 == "2023-11-14T22:13:20.500000Z")
        #expect(parseError("1.7e9") != nil)
    }

    @Test(
        "invalid date-times are rejected with a reason",
        arguments: [
            ("2026-02-29T00:00:00Z", TimestampParseError.Reason.fieldOutOfRange(field: "day")),
            ("2026-13-01T00:00:00Z", .fieldOutOfRange(field: "month")),
            ("0000-01-01T00:00:00Z", .fieldOutOfRange(field: "year")),
            ("2026-03-06T24:00:00Z", .fieldOutOfRange(field: "hour")),
            ("2026-03-06T21:60:00Z", .fieldOutOfRange(field: "minute")),
            ("2026-03-06T21:29:60Z", .fieldOutOfRange(field: "second")),
            ("2026-03-06T21:29:12.Z", .missingFraction),
            ("2026-03-06T21:29:12+05", .invalidCharacter(expected: "a digit of the offset minutes")),
            ("2026-03-06T21:29:12+24:00", .fieldOutOfRange(field: "UTC offset")),
            ("2026-03-06T21:29:12+05:60", .fieldOutOfRange(field: "UTC offset")),
            ("2026-03-06T21:29:12Zjunk", .trailingCharacters),
            ("2026-03-06X21:29:12Z", .invalidCharacter(expected: "'T' between date and time")),
            (" 2026-03-06T21:29:12Z", .invalidCharacter(expected: "a digit of the year")),
            ("2026-3-6", .tooShort),
            ("0001-01-01T00:00:00+00:01", .outOfRange),
            ("9999-12-31T23:59:59-00:01", .outOfRange),
            ("-11676096001", .outOfRange),
            ("253402300800000", .outOfRange),
        ])
    func invalid(input: String, reason: TimestampParseError.Reason) throws {
        let error = try #require(parseError(input))
        #expect(error.reason == reason, "\(input): \(error)")
    }

    @Test("JSON values other than strings and numbers are not date-times")
    func jsonKinds() {
        #expect(throws: TimestampParseError.self) { try Timestamp(json: .bool(true)) }
        #expect(throws: TimestampParseError.self) { try Timestamp(json: .null) }
    }

    @Test("random date-like strings never crash; anything accepted re-parses to itself")
    func fuzz() throws {
        var rng = SeededGenerator(seed: 2026)
        let alphabet = Array("0123456789-:.,TtZz+_ \u{2212}e".unicodeScalars)
        let seeds = ["2026-03-06T21:29:12.481337+05:30", "1700000000.5", "2024-02-29 00:00"]
        for _ in 0..<5000 {
            var scalars = Array((seeds.randomElement(using: &rng) ?? "").unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let pick = alphabet.randomElement(using: &rng) ?? "0"
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where !scalars.isEmpty: scalars[Int.random(in: 0..<scalars.count, using: &rng)] = pick
                case 1 where !scalars.isEmpty: scalars.remove(at: Int.random(in: 0..<scalars.count, using: &rng))
                default: scalars.insert(pick, at: Int.random(in: 0...scalars.count, using: &rng))
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            if let parsed = try? Timestamp(parsing: String(text)) {
                #expect(try Timestamp(parsing: parsed.iso8601) == parsed)
            }
        }
    }
}
