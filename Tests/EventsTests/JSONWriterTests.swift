import Testing
@testable import Events

@Suite("JSON writer matches pydantic's encoder")
struct JSONWriterTests {
    @Test("string escaping equals pydantic-core's to_json for all ASCII, DEL and non-ASCII")
    func escapingOracle() {
        var output: [UInt8] = []
        JSONWriter.writeString(OracleVectors.escapingInput, to: &output)
        #expect(output == Array(OracleVectors.escapingExpected.utf8))
    }

    @Test("short escapes, lowercase \\u00xx, raw slash and DEL")
    func escapingRules() {
        let encoded = JSONWriter.encode(.string("a\"b\\c\n\r\t\u{8}\u{c}\u{1f}\u{1}/\u{7f}é😀"))
        #expect(String(decoding: encoded, as: UTF8.self) == "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u001f\\u0001/\u{7f}é😀\"")
    }

    @Test("compact output keeps member order, duplicates and number text")
    func compactOutput() throws {
        let text = #"{ "b" : [1, 2.50, -0, 1E+2, true, false, null, {}, []], "a": {"z": "", "y": 1e-7}, "b": 0 }"#
        let value = try JSONParser().parse(text)
        #expect(
            String(decoding: JSONWriter.encode(value), as: UTF8.self)
                == #"{"b":[1,2.50,-0,1E+2,true,false,null,{},[]],"a":{"z":"","y":1e-7},"b":0}"#)
    }

    @Test("doubles are formatted like pydantic-core 2.23 (ryu layout)")
    func floatOracle() {
        for vector in OracleVectors.floats {
            let value = Double(bitPattern: vector.bits)
            #expect(JSONNumber(value)?.text == vector.json, "bits 0x\(String(vector.bits, radix: 16))")
            #expect(JSONNumber(value).map { Double($0.text) } == value)
        }
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(-Double.infinity) == nil)
    }

    @Test("JSONNumber validates JSON number text and converts exactly")
    func numberText() {
        for valid in ["0", "-0", "12", "-3.25", "1e5", "1E-5", "0.000", "123456789012345678901234567890"] {
            #expect(JSONNumber(valid) != nil, "rejected \(valid)")
        }
        for invalid in ["", "01", "+1", ".5", "5.", "1e", "-", "1.e3", "0x10", "NaN", "1 "] {
            #expect(JSONNumber(invalid) == nil, "accepted \(invalid)")
        }
        #expect(JSONNumber("5.0")?.int64Value == 5)
        #expect(JSONNumber("1e3")?.int64Value == 1000)
        #expect(JSONNumber("-9223372036854775808")?.int64Value == Int64.min)
        #expect(JSONNumber("9223372036854775808")?.int64Value == nil)
        #expect(JSONNumber("5.5")?.int64Value == nil)
        #expect(JSONNumber("0e999999999999")?.int64Value == 0)
        #expect(JSONNumber(-1).text == "-1")
        #expect(JSONNumber("1e-7")?.isIntegerLiteral == false)
        #expect(JSONNumber("17")?.isIntegerLiteral == true)
    }

    @Test("long strings: a byte needing an escape is found at every position of a run, and the output parses back")
    func longStringEscapes() throws {
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}", "é", "\u{7f}", "/"] {
            for offset in 0..<40 {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 17)
                let encoded = JSONWriter.encode(.string(text))
                var expected = "\""
                for scalar in text.unicodeScalars {
                    switch scalar {
                    case "\"": expected += "\\\""
                    case "\\": expected += "\\\\"
                    case "\n": expected += "\\n"
                    case "\u{1}": expected += "\\u0001"
                    case "\u{1f}": expected += "\\u001f"
                    default: expected.unicodeScalars.append(scalar)
                    }
                }
                expected += "\""
                #expect(String(decoding: encoded, as: UTF8.self) == expected, "\(special) at \(offset)")
                #expect(try JSONParser().parse(encoded) == .string(text))
            }
        }
    }

    @Test("pre-escaped strings: the same bytes as escaping, wherever the string sits and however it was built")
    func preEscapedStrings() throws {
        let script = (0..<300).map { "line \($0): echo \"$1\" \\ done\t\u{1}" }.joined(separator: "\n")
        let known = JSONWriter.PreEscaped(script)
        #expect(known.escaped == JSONWriter.encode(.string(script)))
        // The same text in other storage, and texts of the same length that differ only in their last byte.
        let rebuilt = String(decoding: Array(script.utf8), as: UTF8.self)
        let sameLength = String(script.dropLast()) + "x"
        let document = JSONValue.object(
            JSONObject([
                JSONObject.Member(
                    key: "data", value: .array([.string(script), .string(rebuilt), .string(sameLength)])),
                JSONObject.Member(key: script, value: .string("the key is escaped as usual")),
                JSONObject.Member(key: "short", value: .string("x")),
            ]))
        let reused = JSONWriter.encode(document, reusing: [known])
        #expect(reused == JSONWriter.encode(document))
        #expect(try JSONParser().parse(reused) == document)
    }
}
