/// Why and where ``JSONParser`` rejected its input.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// The input is larger than ``JSONParser/Limits/maxInputBytes``.
        case inputTooLarge(size: Int, limit: Int)
        /// The input ended while `expected` was still needed.
        case unexpectedEndOfInput(expected: String)
        /// `byte` appeared where `expected` was needed.
        case unexpectedByte(UInt8, expected: String)
        /// A string contains bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// A string contains a raw control character (below 0x20), which JSON requires escaped.
        case unescapedControlCharacter(UInt8)
        /// A backslash is followed by something other than `" \ / b f n r t u`.
        case invalidEscape(UInt8)
        /// A `\u` escape is not followed by four hex digits.
        case invalidUnicodeEscape
        /// A `\u` escape names half of a surrogate pair without its other half.
        case loneSurrogate(UInt16)
        /// A number has a superfluous leading zero, such as `01`.
        case leadingZero
        /// A number is malformed; `detail` says how.
        case invalidNumber(detail: String)
        /// A bare word is not `true`, `false` or `null`.
        case invalidLiteral
        /// Arrays/objects are nested deeper than ``JSONParser/Limits/maxDepth``.
        case nestingTooDeep(limit: Int)
        /// Non-whitespace follows the complete top-level value.
        case trailingCharacters
    }

    /// Byte offset in the input where the problem was detected.
    public let offset: Int
    /// What went wrong.
    public let reason: Reason

    /// Creates an error.
    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    /// A one-line explanation, e.g. `byte 12: unexpected byte 0x7D ('}'), expected a value`.
    public var description: String {
        "byte \(offset): \(reasonText)"
    }

    private var reasonText: String {
        switch reason {
        case .inputTooLarge(let size, let limit):
            "input is \(size) bytes, larger than the limit of \(limit)"
        case .unexpectedEndOfInput(let expected):
            "unexpected end of input, expected \(expected)"
        case .unexpectedByte(let byte, let expected):
            "unexpected byte \(Self.show(byte)), expected \(expected)"
        case .invalidUTF8:
            "invalid UTF-8 in string"
        case .unescapedControlCharacter(let byte):
            "unescaped control character \(Self.show(byte)) in string"
        case .invalidEscape(let byte):
            "invalid escape sequence '\\' followed by \(Self.show(byte))"
        case .invalidUnicodeEscape:
            "\\u escape must be followed by four hex digits"
        case .loneSurrogate(let unit):
            "lone surrogate \\u\(Self.hex(unit)) in \\u escape"
        case .leadingZero:
            "number has a leading zero"
        case .invalidNumber(let detail):
            "invalid number: \(detail)"
        case .invalidLiteral:
            "invalid literal, expected true, false or null"
        case .nestingTooDeep(let limit):
            "nesting deeper than \(limit) levels"
        case .trailingCharacters:
            "unexpected data after the JSON value"
        }
    }

    private static func show(_ byte: UInt8) -> String {
        let code = "0x" + hex(UInt16(byte), width: 2)
        if byte >= 0x21 && byte < 0x7F {
            return "\(code) ('\(Character(Unicode.Scalar(byte)))')"
        }
        return code
    }

    private static func hex(_ value: UInt16, width: Int = 4) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
