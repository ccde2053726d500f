/// A JSON number, stored as its exact source text.
///
/// Keeping the text means `5`, `5.0`, `5e0` and `1.0000000000000001` are all written back
/// exactly as they were read. Conversions to Swift numbers are explicit and exact where
/// possible (``int64Value`` never rounds).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's JSON text, e.g. `-1`, `0.5`, `1e-7`.
    public let text: String

    /// Creates a number from JSON number text; `nil` when `text` is not a valid JSON number
    /// (RFC 8259 grammar: no leading `+`, no leading zeros, digits on both sides of `.`).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard case .success(let end) = JSONNumberScanner.scan(bytes, from: 0), end == bytes.count else {
            return nil
        }
        self.text = text
    }

    /// Creates a number from text that the caller has already validated.
    init(validatedText: String) {
        self.text = validatedText
    }

    /// Creates an integer number, e.g. `JSONNumber(-1)` has the text `-1`.
    public init(_ value: some BinaryInteger) {
        self.text = String(value)
    }

    /// Creates a number from a finite `Double`, formatted the way upstream's encoder
    /// (pydantic-core 2.23, serde_json with `ryu`) writes floats: the shortest round-trip
    /// digits, `1.0` for whole values, `0.00001` down to 1e-5, then `1e-7` / `1.5e16` forms.
    /// Returns `nil` for NaN and infinities, which have no JSON form.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.text = FloatFormatter.format(value)
    }

    /// Whether the text has no fraction and no exponent (`12`, `-3`, but not `1.0` or `1e2`).
    public var isIntegerLiteral: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value as an `Int64` when it is mathematically an integer in range
    /// (`5`, `5.0`, `5e0`, `-0.0`); `nil` for fractions and out-of-range values.
    public var int64Value: Int64? {
        if case .exact(let value) = decimal.integerValue() { return value }
        return nil
    }

    /// The nearest `Double` (may be infinite for huge exponents such as `1e400`).
    public var doubleValue: Double {
        Double(text) ?? .nan
    }

    /// The exact decimal decomposition of the text.
    var decimal: DecimalNumber {
        DecimalNumber.parse(text.utf8, grammar: .json) ?? DecimalNumber(isNegative: false, digits: [], exponent: 0)
    }

    /// The JSON text.
    public var description: String { text }
}
