/// Scans the RFC 8259 number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
enum JSONNumberScanner {
    /// Returns the end offset of the number starting at `start`, or the error found.
    static func scan(_ bytes: [UInt8], from start: Int) -> Result<Int, JSONParseError> {
        var index = start
        let end = bytes.count

        func isDigit(_ position: Int) -> Bool {
            position < end && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
        }
        func failure(_ position: Int, _ detail: String) -> Result<Int, JSONParseError> {
            if position >= end {
                return .failure(JSONParseError(offset: end, reason: .unexpectedEndOfInput(expected: detail)))
            }
            return .failure(JSONParseError(offset: position, reason: .invalidNumber(detail: "expected \(detail)")))
        }

        if index < end && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return failure(index, "a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(index) {
                return .failure(JSONParseError(offset: index - 1, reason: .leadingZero))
            }
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return failure(index, "a digit after the decimal point") }
            while isDigit(index) { index += 1 }
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard isDigit(index) else { return failure(index, "a digit in the exponent") }
            while isDigit(index) { index += 1 }
        }
        return .success(index)
    }
}
