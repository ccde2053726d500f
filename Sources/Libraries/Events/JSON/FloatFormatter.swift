/// Writes finite doubles in the layout of the `ryu` crate's `format64`, which is what
/// serde_json (and therefore pydantic-core 2.23's `model_dump_json`) emits for floats.
///
/// The digits come from Swift's own shortest round-trip formatting (`Double.description`),
/// which produces the same shortest, closest digit string as ryu; only the layout differs.
enum FloatFormatter {
    /// Formats `value` (must be finite).
    static func format(_ value: Double) -> String {
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        guard var decimal = DecimalNumber.parse(value.description.utf8, grammar: .laxFloat) else {
            return value.description
        }
        while let last = decimal.digits.last, last == 0 {
            decimal.digits.removeLast()
            decimal.exponent += 1
        }
        let digits = decimal.digits.map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) }
        let length = digits.count
        let exponent = decimal.exponent
        let pointPosition = length + exponent  // 10^(pointPosition-1) <= |value| < 10^pointPosition
        var out = value.sign == .minus ? "-" : ""

        if exponent >= 0 && pointPosition <= 16 {
            // 1234e7 -> 12340000000.0
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement("0", count: exponent))
            out.append(".0")
        } else if pointPosition > 0 && pointPosition <= 16 {
            // 1234e-2 -> 12.34
            out.append(contentsOf: digits[..<pointPosition])
            out.append(".")
            out.append(contentsOf: digits[pointPosition...])
        } else if pointPosition > -5 && pointPosition <= 0 {
            // 1234e-6 -> 0.001234
            out.append("0.")
            out.append(contentsOf: repeatElement("0", count: -pointPosition))
            out.append(contentsOf: digits)
        } else {
            // 1e30, 1234e30 -> 1.234e33
            out.append(digits[0])
            if length > 1 {
                out.append(".")
                out.append(contentsOf: digits[1...])
            }
            out.append("e")
            out.append(String(pointPosition - 1))
        }
        return out
    }
}
