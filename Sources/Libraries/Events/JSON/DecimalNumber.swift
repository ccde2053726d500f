/// An exact decimal value `±digits × 10^exponent`, used for lossless numeric conversions
/// (integer fields, epoch timestamps) without going through binary floating point.
struct DecimalNumber: Sendable, Equatable {
    /// Which textual forms `parse` accepts beyond the bare `digits[.digits]` core.
    struct Grammar: Sendable {
        /// A leading `+` sign is allowed.
        var allowsPlus: Bool
        /// Single `_` between two digits is allowed (Python `int()`/`float()` style).
        var allowsUnderscores: Bool
        /// An `e`/`E` exponent is allowed.
        var allowsExponent: Bool
        /// `.5` (no integer digits) is allowed.
        var allowsLeadingDot: Bool
        /// `5.` (no fraction digits) is allowed.
        var allowsTrailingDot: Bool

        /// JSON number text (already validated by the parser).
        static let json = Grammar(
            allowsPlus: false, allowsUnderscores: false, allowsExponent: true,
            allowsLeadingDot: false, allowsTrailingDot: false)
        /// Python `float()` text, as pydantic's lax `str -> float` accepts it (minus inf/nan).
        static let laxFloat = Grammar(
            allowsPlus: true, allowsUnderscores: true, allowsExponent: true,
            allowsLeadingDot: true, allowsTrailingDot: true)
        /// pydantic's lax `str -> int` body: sign, digits, single underscores; no dot, no exponent.
        static let laxInteger = Grammar(
            allowsPlus: true, allowsUnderscores: true, allowsExponent: false,
            allowsLeadingDot: false, allowsTrailingDot: false)
        /// A numeric string given for a date-time (speedate's `float_parse_bytes` shape).
        static let epochText = Grammar(
            allowsPlus: true, allowsUnderscores: false, allowsExponent: false,
            allowsLeadingDot: false, allowsTrailingDot: false)
    }

    /// The result of asking for an exact integer.
    enum IntegerConversion: Sendable, Equatable {
        case exact(Int64)
        case fractional
        case outOfRange
    }

    /// Whether the value is negative (a negative zero is reported as not negative by conversions).
    var isNegative: Bool
    /// Decimal digits 0...9, most significant first, without leading zeros (empty for zero).
    var digits: [UInt8]
    /// Power of ten applied to `digits`, saturated to ±`exponentLimit`.
    var exponent: Int

    static let exponentLimit = 1 << 40

    /// Parses `bytes` under `grammar`; `nil` when the text does not match it.
    static func parse(_ bytes: some Collection<UInt8>, grammar: Grammar) -> DecimalNumber? {
        var iterator = bytes.makeIterator()
        var current = iterator.next()
        var negative = false
        if current == UInt8(ascii: "-") || (grammar.allowsPlus && current == UInt8(ascii: "+")) {
            negative = current == UInt8(ascii: "-")
            current = iterator.next()
        }
        var digits: [UInt8] = []
        var integerDigitCount = 0
        var fractionDigitCount = 0

        // Reads a run of digits (with optional single underscores between digits).
        func readDigits(counting count: inout Int) -> Bool {
            var previousWasDigit = false
            while let byte = current {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    digits.append(byte &- UInt8(ascii: "0"))
                    count += 1
                    previousWasDigit = true
                    current = iterator.next()
                } else if byte == UInt8(ascii: "_") && grammar.allowsUnderscores && previousWasDigit {
                    current = iterator.next()
                    guard let next = current, next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9") else {
                        return false
                    }
                    previousWasDigit = false
                } else {
                    break
                }
            }
            return true
        }
        guard readDigits(counting: &integerDigitCount) else { return nil }
        if current == UInt8(ascii: ".") {
            current = iterator.next()
            guard readDigits(counting: &fractionDigitCount) else { return nil }
            if integerDigitCount == 0 && !grammar.allowsLeadingDot { return nil }
            if fractionDigitCount == 0 && !grammar.allowsTrailingDot { return nil }
        }
        guard integerDigitCount + fractionDigitCount > 0 else { return nil }
        var exponent = 0
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            guard grammar.allowsExponent else { return nil }
            current = iterator.next()
            var exponentNegative = false
            if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
                exponentNegative = current == UInt8(ascii: "-")
                current = iterator.next()
            }
            var exponentDigits = 0
            while let byte = current, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                exponent = min(exponent * 10 + Int(byte &- UInt8(ascii: "0")), exponentLimit)
                exponentDigits += 1
                current = iterator.next()
            }
            guard exponentDigits > 0 else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard current == nil else { return nil }
        // Every digit was kept (fraction digits are counted by the exponent); drop the
        // leading zeros so `digits` starts at the most significant non-zero digit.
        let leadingZeros = digits.prefix { $0 == 0 }.count
        if leadingZeros == digits.count {
            digits = []
        } else if leadingZeros > 0 {
            digits.removeFirst(leadingZeros)
        }
        let scaled = max(-exponentLimit, min(exponentLimit, exponent - fractionDigitCount))
        return DecimalNumber(isNegative: negative, digits: digits, exponent: scaled)
    }

    /// Whether the value is zero.
    var isZero: Bool { digits.isEmpty }

    /// The value as an `Int64` when it is an exact integer in range.
    func integerValue() -> IntegerConversion {
        let integerDigitCount = digits.count + exponent
        if exponent < 0 {
            let fractionStart = max(0, integerDigitCount)
            if digits[fractionStart...].contains(where: { $0 != 0 }) { return .fractional }
        }
        guard let magnitude = magnitude(integerDigits: integerDigitCount, roundingUp: false) else {
            return .outOfRange
        }
        return signed(magnitude).map(IntegerConversion.exact) ?? .outOfRange
    }

    /// `value × 10^power`, rounded to the nearest integer (ties away from zero); `nil` on overflow.
    func scaledRounded(byPowerOfTen power: Int) -> Int64? {
        let integerDigitCount = digits.count + exponent + power
        var roundUp = false
        if integerDigitCount >= 0 && integerDigitCount < digits.count {
            roundUp = digits[integerDigitCount] >= 5
        }
        guard let magnitude = magnitude(integerDigits: integerDigitCount, roundingUp: roundUp) else {
            return nil
        }
        return signed(magnitude)
    }

    /// Whether `|value| > bound`, compared exactly.
    func magnitudeExceeds(_ bound: UInt64) -> Bool {
        let integerDigitCount = digits.count + exponent
        guard let whole = magnitude(integerDigits: integerDigitCount, roundingUp: false) else { return true }
        if whole != bound { return whole > bound }
        let fractionStart = max(0, integerDigitCount)
        return fractionStart < digits.count && digits[fractionStart...].contains { $0 != 0 }
    }

    /// The truncated magnitude made of the first `integerDigits` digit positions (zero-padded),
    /// plus one when `roundingUp`; `nil` when it does not fit in `UInt64`.
    private func magnitude(integerDigits: Int, roundingUp: Bool) -> UInt64? {
        if digits.isEmpty { return roundingUp ? 1 : 0 }
        var value: UInt64 = 0
        if integerDigits > 0 {
            guard integerDigits <= 20 else { return nil }
            for position in 0..<integerDigits {
                let digit = position < digits.count ? UInt64(digits[position]) : 0
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(digit)
                guard !overflow1 && !overflow2 else { return nil }
                value = sum
            }
        }
        if roundingUp {
            let (sum, overflow) = value.addingReportingOverflow(1)
            guard !overflow else { return nil }
            value = sum
        }
        return value
    }

    private func signed(_ magnitude: UInt64) -> Int64? {
        if isNegative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
