extension Timestamp {
    /// Absolute values above this are read as milliseconds rather than seconds
    /// (speedate's `MS_WATERSHED`, used by pydantic).
    public static let millisecondWatershed: UInt64 = 20_000_000_000

    /// The earliest instant pydantic accepts from an epoch number: 1600-01-01T00:00:00Z.
    public static let earliestEpochInput = Timestamp(unchecked: -11_676_096_000 * 1_000_000)

    /// Reads a Unix epoch number as pydantic does.
    ///
    /// - `|value| <= 2e10`: seconds; `|value| > 2e10`: milliseconds (so `20000000001` is
    ///   1970-08-20T11:33:20.001Z).
    /// - Fractions are converted exactly from the decimal text and rounded to the nearest
    ///   microsecond (ties away from zero). This matches pydantic for ordinary positive inputs;
    ///   pydantic's float arithmetic differs for negative fractional seconds and for
    ///   fractional milliseconds, which no producer sends.
    /// - Results before 1600-01-01 or after 9999-12-31T23:59:59.999999 are rejected.
    public init(unixEpoch number: JSONNumber) throws(TimestampParseError) {
        try self.init(epoch: number.decimal)
    }

    init(epoch decimal: DecimalNumber) throws(TimestampParseError) {
        let isMilliseconds = decimal.magnitudeExceeds(Timestamp.millisecondWatershed)
        guard let microseconds = decimal.scaledRounded(byPowerOfTen: isMilliseconds ? 3 : 6),
            microseconds >= Timestamp.earliestEpochInput.microsecondsSinceEpoch,
            microseconds <= Timestamp.max.microsecondsSinceEpoch
        else {
            throw TimestampParseError(offset: 0, reason: .outOfRange)
        }
        self.init(unchecked: microseconds)
    }

    /// Decodes a JSON value as pydantic's lax `datetime` does: an ISO-8601 / numeric string
    /// (``init(parsing:)``) or an epoch number (``init(unixEpoch:)``).
    public init(json value: JSONValue) throws(TimestampParseError) {
        switch value {
        case .string(let text):
            try self.init(parsing: text)
        case .number(let number):
            try self.init(unixEpoch: number)
        default:
            throw TimestampParseError(offset: 0, reason: .notADateTime)
        }
    }
}
