/// Internal: the Kubernetes quantity grammar (apimachinery `resource.ParseQuantity`), evaluated
/// exactly in integers and rounded **up** to a whole base unit, as the API server rounds CPU to
/// millicores.
///
/// ```
/// quantity ::= [+|-] number suffix
/// number   ::= digits | digits "." digits | digits "." | "." digits
/// suffix   ::= "" | n | u | m | k | M | G | T | P | E       (decimal SI)
///            | Ki | Mi | Gi | Ti | Pi | Ei                  (binary SI)
///            | (e|E) [+|-] digits                          (decimal exponent)
/// ```
struct QuantityText {
    /// Significant digits as an integer (at most 18 digits).
    var mantissa: Int64
    /// Power of ten applied to `mantissa` (fraction digits and decimal suffixes).
    var decimalExponent: Int
    /// Power of two applied to `mantissa` (binary suffixes).
    var binaryExponent: Int

    /// Parses `text`.
    init(parsing text: String) throws(QuantityError) {
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else { throw .empty }
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawPoint = false
        var sawDigit = false
        while let byte = bytes.first {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                sawDigit = true
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte - UInt8(ascii: "0")) }
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            bytes = bytes.dropFirst()
        }
        guard sawDigit else { throw .malformed }
        var exponent = -fractionDigits
        // Trailing zeros move into the exponent so 18 significant digits go a long way.
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        guard digits.count <= 18 else { throw .malformed }
        let mantissa = digits.reduce(Int64(0)) { $0 * 10 + Int64($1) }
        let (decimal, binary) = try Self.suffix(String(decoding: bytes, as: UTF8.self))
        if negative && mantissa != 0 { throw .negative }
        self.mantissa = mantissa
        self.decimalExponent = digits.isEmpty ? 0 : exponent + decimal
        self.binaryExponent = binary
    }

    /// `(power of ten, power of two)` of a suffix.
    private static func suffix(_ suffix: String) throws(QuantityError) -> (Int, Int) {
        switch suffix {
        case "": return (0, 0)
        case "n": return (-9, 0)
        case "u": return (-6, 0)
        case "m": return (-3, 0)
        case "k": return (3, 0)
        case "M": return (6, 0)
        case "G": return (9, 0)
        case "T": return (12, 0)
        case "P": return (15, 0)
        case "E": return (18, 0)
        case "Ki": return (0, 10)
        case "Mi": return (0, 20)
        case "Gi": return (0, 30)
        case "Ti": return (0, 40)
        case "Pi": return (0, 50)
        case "Ei": return (0, 60)
        default: break
        }
        var rest = suffix.utf8[...]
        guard let marker = rest.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") else {
            throw .malformed
        }
        rest = rest.dropFirst()
        var sign = 1
        if let first = rest.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { throw .malformed }
        let value = rest.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return (sign * value, 0)
    }

    /// The value times `10^scale`, rounded up to an integer and saturated to `Int64.max`.
    func rounded(scale: Int) -> Int64 {
        guard mantissa > 0 else { return 0 }
        var value = Int128(mantissa) << binaryExponent  // < 2^60 · 2^60: fits
        let exponent = decimalExponent + scale
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow || product > Int128(Int64.max) { return Int64.max }
                value = product
            }
        } else if -exponent > 38 {
            return 1  // below 2^120 / 10^39 < 1, rounded up
        } else {
            var divisor: Int128 = 1
            for _ in 0 ..< -exponent { divisor *= 10 }
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
            value = remainder > 0 ? quotient + 1 : quotient
        }
        return value > Int128(Int64.max) ? Int64.max : Int64(value)
    }
}
