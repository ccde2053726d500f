import Testing
@testable import Events

@Suite("JSON parser: strict, bounded, precise errors")
struct JSONParserTests {
    private func parse(_ text: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try JSONParser(limits: .init(maxDepth: maxDepth)).parse(text)
    }

    private func parseError(_ bytes: [UInt8], maxDepth: Int = 64) -> JSONParseError? {
        do {
            _ = try JSONParser(limits: .init(maxDepth: maxDepth)).parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    private func parseError(_ text: String) -> JSONParseError? {
        parseError(Array(text.utf8))
    }

    @Test("scalars, whitespace and nested containers")
    func validDocuments() throws {
        #expect(try parse(" \t\r\n null \n") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("\"\"") == .string(""))
        #expect(try parse("-0.5e-3") == .number(try #require(JSONNumber("-0.5e-3"))))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object(JSONObject()))
        let nested = try parse(#"{"a":[1,{"b":null}],"c":"d"}"#)
        #expect(nested.objectValue?["a"]?.arrayValue?.count == 2)
        #expect(nested.objectValue?.keys == ["a", "c"])
    }

    @Test("escapes decode, including surrogate pairs and \\u0000")
    func escapes() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t\u00e9\u0000\uD83D\uDE00\u2028""#)
        #expect(value == .string("\"\\/\u{8}\u{c}\n\r\té\u{0}😀\u{2028}"))
    }

    @Test("raw UTF-8 is accepted when well-formed")
    func rawUTF8() throws {
        #expect(try parse("\"héllo ✓ 世界 😀\"") == .string("héllo ✓ 世界 😀"))
    }

    @Test("duplicate keys: all kept in order, lookup returns the last")
    func duplicateKeys() throws {
        let object = try #require(try parse(#"{"k":1,"x":true,"k":2}"#).objectValue)
        #expect(object.count == 3)
        #expect(object["k"] == .number(JSONNumber(2)))
    }

    @Test(
        "malformed input reports the byte offset and reason",
        arguments: [
            ("{\"a\":1,}", 7, "'\"' starting a key"),
            ("[1 2]", 3, "',' or ']'"),
            ("{\"a\" 1}", 5, "':'"),
            ("{1:2}", 1, "'\"' starting a key, or '}'"),
            ("[,]", 1, "a value"),
            ("@", 0, "a value"),
        ])
    func unexpectedBytes(text: String, offset: Int, expected: String) throws {
        let error = try #require(parseError(text))
        #expect(error.offset == offset)
        guard case .unexpectedByte(_, let found) = error.reason else {
            Issue.record("unexpected reason \(error)")
            return
        }
        #expect(found == expected)
    }

    @Test(
        "each reason kind",
        arguments: [
            ("01", JSONParseError(offset: 0, reason: .leadingZero)),
            ("-", JSONParseError(offset: 1, reason: .unexpectedEndOfInput(expected: "a digit"))),
            (
                "[1.]",
                JSONParseError(offset: 3, reason: .invalidNumber(detail: "expected a digit after the decimal point"))
            ),
            ("1e+", JSONParseError(offset: 3, reason: .unexpectedEndOfInput(expected: "a digit in the exponent"))),
            ("[-a]", JSONParseError(offset: 2, reason: .invalidNumber(detail: "expected a digit"))),
            ("tru", JSONParseError(offset: 3, reason: .unexpectedEndOfInput(expected: "the rest of 'true'"))),
            ("nul1", JSONParseError(offset: 0, reason: .invalidLiteral)),
            ("NaN", JSONParseError(offset: 0, reason: .unexpectedByte(UInt8(ascii: "N"), expected: "a value"))),
            ("\"a\\x\"", JSONParseError(offset: 2, reason: .invalidEscape(UInt8(ascii: "x")))),
            ("\"\\u12G4\"", JSONParseError(offset: 5, reason: .invalidUnicodeEscape)),
            ("\"\\uD800\"", JSONParseError(offset: 1, reason: .loneSurrogate(0xD800))),
            ("\"\\uD800\\u0041\"", JSONParseError(offset: 1, reason: .loneSurrogate(0xD800))),
            ("\"x\\uDC00\"", JSONParseError(offset: 2, reason: .loneSurrogate(0xDC00))),
            ("\"a\tb\"", JSONParseError(offset: 2, reason: .unescapedControlCharacter(0x09))),
            ("{} x", JSONParseError(offset: 3, reason: .trailingCharacters)),
            ("[1][2]", JSONParseError(offset: 3, reason: .trailingCharacters)),
            ("", JSONParseError(offset: 0, reason: .unexpectedEndOfInput(expected: "a value"))),
            ("   ", JSONParseError(offset: 3, reason: .unexpectedEndOfInput(expected: "a value"))),
        ])
    func reasons(text: String, expected: JSONParseError) {
        #expect(parseError(text) == expected)
    }

    @Test(
        "truncated input is an unexpected end at the input length",
        arguments: [
            "{", "{\"a\"", "{\"a\":", "{\"a\":1", "[1,", "\"abc", "[\"\\", "{\"a\":[1,2]",
        ])
    func truncated(text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.offset == text.utf8.count)
        guard case .unexpectedEndOfInput = error.reason else {
            Issue.record("expected end of input, got \(error)")
            return
        }
    }

    @Test(
        "invalid UTF-8 inside strings is rejected at the offending byte",
        arguments: [
            [0x22, 0xFF, 0x22], [0x22, 0x61, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22], [0x22, 0x80, 0x22], [0x22, 0xE2, 0x82],
        ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) throws {
        let error = try #require(parseError(bytes))
        #expect(error.reason == .invalidUTF8)
        #expect(error.offset == (bytes[1] == 0x61 ? 2 : 1))
    }

    @Test("a byte-order mark or non-ASCII outside strings is rejected")
    func nonASCIIOutsideStrings() throws {
        #expect(parseError([0xEF, 0xBB, 0xBF, 0x7B, 0x7D])?.offset == 0)
        #expect(parseError([0x5B, 0xC3, 0xA9, 0x5D])?.reason == .unexpectedByte(0xC3, expected: "a value"))
    }

    @Test("nesting depth is capped exactly at the limit")
    func depthLimit() throws {
        let atLimit = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parse(atLimit) }
        let mixed = String(repeating: "{\"a\":[", count: 32) + String(repeating: "]}", count: 32)
        #expect(throws: Never.self) { try parse(mixed) }
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(parseError(tooDeep) == JSONParseError(offset: 64, reason: .nestingTooDeep(limit: 64)))
        #expect(
            parseError(Array("[[{}]]".utf8), maxDepth: 2)
                == JSONParseError(offset: 2, reason: .nestingTooDeep(limit: 2)))
    }

    @Test("a million open brackets fail fast without exhausting the stack")
    func hostileNesting() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(parseError(bytes) == JSONParseError(offset: 64, reason: .nestingTooDeep(limit: 64)))
        let unlimited = JSONParser(limits: .init(maxDepth: Int.max))
        #expect(throws: JSONParseError.self) { try unlimited.parse(bytes) }
    }

    @Test("input size limit is checked before parsing")
    func sizeLimit() {
        let parser = JSONParser(limits: .init(maxInputBytes: 4))
        #expect(throws: JSONParseError(offset: 0, reason: .inputTooLarge(size: 5, limit: 4))) {
            try parser.parse("[1,2]")
        }
        #expect(throws: Never.self) { try parser.parse("[12]") }
    }

    @Test("error descriptions name the offset and the reason")
    func descriptions() throws {
        let error = try #require(parseError("[1 2]"))
        #expect(error.description == "byte 3: unexpected byte 0x32 ('2'), expected ',' or ']'")
        #expect(
            JSONParseError(offset: 9, reason: .loneSurrogate(0xD83D)).description
                == "byte 9: lone surrogate \\uD83D in \\u escape")
    }
}
