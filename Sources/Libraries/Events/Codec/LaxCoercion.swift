/// pydantic 2.9's lax-mode coercions for the numeric fields of our events, checked against
/// pydantic 2.9.2 / pydantic-core 2.23.4.
enum LaxCoercion {
    /// An `int` field. Accepted:
    /// - a JSON number whose value is an integer: `5`, `5.0`, `1e3`, `-0.0`;
    /// - `true` / `false` as 1 / 0;
    /// - a string that, after trimming whitespace, is an optionally signed run of ASCII digits
    ///   (leading zeros and single `_` between digits allowed), optionally followed by `.` and
    ///   one or more zeros: `"5"`, `" +5 "`, `"0005"`, `"1_000"`, `"5.00"`.
    ///
    /// Rejected: fractions (`5.5`, `"5.5"`), exponents in strings (`"1e3"`), `"5."`, hex, null.
    /// Values outside the 64-bit range are rejected (Python ints are unbounded; no real field
    /// comes near).
    static func integer(_ value: JSONValue, path: @autoclosure () -> String) throws(EventDecodingError) -> Int {
        let decimal: DecimalNumber
        switch value {
        case .number(let number):
            decimal = number.decimal
        case .bool(let flag):
            return flag ? 1 : 0
        case .string(let text):
            guard let parsed = parseIntegerString(text) else {
                throw .invalidValue(path: path(), expected: "an integer", found: EventDecodingError.quoted(text))
            }
            decimal = parsed
        default:
            throw .wrongType(path: path(), expected: "integer", found: value.kind)
        }
        switch decimal.integerValue() {
        case .exact(let integer):
            if let result = Int(exactly: integer) { return result }
            throw .invalidValue(
                path: path(), expected: "an integer within the native range", found: FieldReader.render(value))
        case .outOfRange:
            throw .invalidValue(
                path: path(), expected: "an integer within the 64-bit range", found: FieldReader.render(value))
        case .fractional:
            throw .invalidValue(
                path: path(), expected: "an integer (no fractional part)", found: FieldReader.render(value))
        }
    }

    /// A `float` field. Accepted: any finite JSON number, `true`/`false` as 1.0/0.0, and a
    /// string that after trimming whitespace is a Python float literal (sign, `.5`, `5.`,
    /// exponent, single `_` between digits). Rejected: non-finite values (including the
    /// strings `"inf"`/`"nan"`, which pydantic accepts but would serialize as `null`) and null.
    static func double(_ value: JSONValue, path: @autoclosure () -> String) throws(EventDecodingError) -> Double {
        let result: Double?
        switch value {
        case .number(let number):
            result = number.doubleValue
        case .bool(let flag):
            return flag ? 1 : 0
        case .string(let text):
            let trimmed = trimWhitespace(text)
            if DecimalNumber.parse(trimmed.utf8, grammar: .laxFloat) != nil {
                result = Double(String(trimmed.filter { $0 != "_" }))
            } else {
                result = nil
            }
        default:
            throw .wrongType(path: path(), expected: "number", found: value.kind)
        }
        guard let result, result.isFinite else {
            throw .invalidValue(path: path(), expected: "a finite number", found: FieldReader.render(value))
        }
        return result
    }

    /// Parses pydantic's integer-string form (see ``integer(_:path:)``).
    static func parseIntegerString(_ text: String) -> DecimalNumber? {
        var body = trimWhitespace(text)
        if let dot = body.firstIndex(of: ".") {
            let zeros = body[body.index(after: dot)...]
            guard !zeros.isEmpty, zeros.allSatisfy({ $0 == "0" }) else { return nil }
            body = body[..<dot]
        }
        return DecimalNumber.parse(body.utf8, grammar: .laxInteger)
    }

    /// Trims Unicode whitespace from both ends, as Python's `str.strip()` / Rust's `trim()` do.
    static func trimWhitespace(_ text: String) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return Substring(scalars[first...last])
    }
}
