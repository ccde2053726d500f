/// A cursor over ASCII date-time text.
struct DateTimeReader {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func advance(by count: Int = 1) { index += count }

    mutating func expect(_ byte: UInt8, _ description: String) throws(TimestampParseError) {
        guard peek == byte else {
            throw TimestampParseError(offset: index, reason: .invalidCharacter(expected: description))
        }
        index += 1
    }

    /// Reads exactly `digits` ASCII digits.
    mutating func number(digits: Int, field: String) throws(TimestampParseError) -> Int {
        var value = 0
        for _ in 0..<digits {
            guard let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw TimestampParseError(offset: index, reason: .invalidCharacter(expected: "a digit of the \(field)"))
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    /// Reads one or more fraction digits as microseconds, ignoring digits after the sixth.
    mutating func truncatedFraction() throws(TimestampParseError) -> Int64 {
        var value: Int64 = 0
        var count = 0
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            if count < 6 { value = value * 10 + Int64(byte - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        guard count > 0 else { throw TimestampParseError(offset: index, reason: .missingFraction) }
        for _ in count..<Swift.max(count, 6) { value *= 10 }
        return value
    }

    /// Reads an optional `Z`, `±HH:MM` or `±HHMM`, returning the offset east of UTC in seconds.
    mutating func utcOffset() throws(TimestampParseError) -> Int64 {
        guard let byte = peek else { return 0 }
        if byte == UInt8(ascii: "Z") || byte == UInt8(ascii: "z") {
            index += 1
            return 0
        }
        let start = index
        let sign: Int64
        if byte == UInt8(ascii: "+") {
            sign = 1
            index += 1
        } else if byte == UInt8(ascii: "-") {
            sign = -1
            index += 1
        } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x88, bytes[index + 2] == 0x92 {
            sign = -1  // U+2212 MINUS SIGN, allowed by ISO 8601
            index += 3
        } else {
            throw TimestampParseError(offset: index, reason: .invalidCharacter(expected: "'Z' or a UTC offset"))
        }
        let hours = try number(digits: 2, field: "offset hours")
        if peek == UInt8(ascii: ":") { index += 1 }
        let minutes = try number(digits: 2, field: "offset minutes")
        guard minutes < 60, hours * 60 + minutes < 24 * 60 else {
            throw TimestampParseError(offset: start, reason: .fieldOutOfRange(field: "UTC offset"))
        }
        return sign * Int64(hours * 3600 + minutes * 60)
    }
}
