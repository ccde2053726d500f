/// Writes compact JSON exactly as pydantic v2 / serde_json do.
///
/// - No whitespace between tokens; object members in their stored order.
/// - Numbers are written as their stored text.
/// - Strings escape `"` `\` and the short forms `\n \r \t \b \f`; every other byte below
///   0x20 becomes `\u00xx` with lowercase hex. Everything else — `/`, DEL (0x7F) and all
///   non-ASCII — is written raw as UTF-8.
public enum JSONWriter {
    /// A long string written into many documents (the entrypoint script in every ConfigMap), escaped once: a string
    /// value equal to it is copied from ``escaped`` instead of being escaped again. The bytes are the same.
    public struct PreEscaped: Sendable {
        /// The string.
        public let string: String
        /// Its encoding, quotes included.
        public let escaped: [UInt8]

        public init(_ string: String) {
            self.string = string
            var escaped: [UInt8] = []
            JSONWriter.writeString(string, to: &escaped)
            self.escaped = escaped
        }
    }

    /// Encodes `value` as compact JSON bytes; string values equal to one of `reusing` are copied from it.
    public static func encode(_ value: JSONValue, reusing: [PreEscaped] = []) -> [UInt8] {
        var output: [UInt8] = []
        // Most documents fit in 1 KiB; larger ones grow from there, not from 16 bytes.
        output.reserveCapacity(1024 + reusing.reduce(0) { $0 + $1.escaped.count })
        write(value, to: &output, reusing: reusing)
        return output
    }

    /// Appends the compact JSON encoding of `value` to `output`; string values equal to one of `reusing` are
    /// copied from it.
    public static func write(_ value: JSONValue, to output: inout [UInt8], reusing: [PreEscaped] = []) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            output.append(contentsOf: number.text.utf8)
        case .string(let string):
            // Equal storage compares in constant time; the length check keeps short strings off the list.
            if !reusing.isEmpty,
                let known = reusing.first(where: {
                    $0.string.utf8.count == string.utf8.count && $0.string == string
                })
            {
                output.append(contentsOf: known.escaped)
            } else {
                writeString(string, to: &output)
            }
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, to: &output, reusing: reusing)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, to: &output, reusing: reusing)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `string` as a quoted, escaped JSON string.
    public static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.makeContiguousUTF8()  // a no-op for native Swift strings
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { buffer in
            appendEscaped(buffer, to: &output)
        }
        if copied == nil {
            Array(string.utf8).withUnsafeBufferPointer { appendEscaped($0, to: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped body of a string, copying unescaped runs in bulk.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var runStart = 0
        var index = 0
        while index < bytes.count {
            index = StringRuns.plainEnd(bytes, from: index, stopAtNonASCII: false)
            guard index < bytes.count else { break }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            appendEscape(for: bytes[index], to: &output)
            index += 1
            runStart = index
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscape(for byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        default:
            output.append(contentsOf: [
                UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)],
            ])
        }
    }
}
