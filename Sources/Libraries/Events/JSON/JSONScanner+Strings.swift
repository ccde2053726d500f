extension JSONScanner {
    /// Parses a string starting at the opening quote, validating UTF-8 and escapes.
    mutating func parseString() throws(JSONParseError) -> String {
        position += 1  // opening quote
        let start = position
        var runStart = position  // first byte not yet copied into `decoded`
        var decoded: [UInt8]? = nil  // only allocated once an escape is seen

        while true {
            guard position < bytes.count else { throw endOfInput(expected: "'\"' closing the string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text: String
                if var decoded {
                    decoded.append(contentsOf: bytes[runStart..<position])
                    text = String(decoding: decoded, as: UTF8.self)
                } else {
                    text = String(decoding: bytes[start..<position], as: UTF8.self)
                }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") {
                var buffer = decoded ?? []
                decoded = nil  // keep the buffer uniquely referenced while appending
                buffer.append(contentsOf: bytes[runStart..<position])
                try appendEscape(to: &buffer)
                decoded = buffer
                runStart = position
            } else if byte < 0x20 {
                throw JSONParseError(offset: position, reason: .unescapedControlCharacter(byte))
            } else if byte < 0x80 {
                position = plainASCIIEnd(from: position + 1)
            } else {
                position += try validatedSequenceLength(at: position)
            }
        }
    }

    /// Whether `\` followed by `code` is a complete escape (all but `\u`).
    private static func isSimpleEscape(_ code: UInt8) -> Bool {
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            true
        default: false
        }
    }

    /// The index of the first byte from `start` on that is not plain ASCII inside a string (a quote, a
    /// backslash, a control character or a byte of a multi-byte sequence), or the end of the input: the run
    /// before it needs no check but its length.
    private func plainASCIIEnd(from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { StringRuns.plainEnd($0, from: start, stopAtNonASCII: true) }
    }

    /// Validates a string starting at the opening quote exactly as ``parseString()`` does, without building it.
    /// Escapes are decoded into `scratch` (emptied first, its capacity kept) to be checked.
    mutating func skipString(scratch: inout [UInt8]) throws(JSONParseError) {
        position += 1  // opening quote
        while true {
            guard position < bytes.count else { throw endOfInput(expected: "'\"' closing the string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                if position + 1 < bytes.count, Self.isSimpleEscape(bytes[position + 1]) {
                    position += 2  // valid as it stands; only \u needs decoding to be checked
                } else {
                    scratch.removeAll(keepingCapacity: true)
                    try appendEscape(to: &scratch)
                }
            } else if byte < 0x20 {
                throw JSONParseError(offset: position, reason: .unescapedControlCharacter(byte))
            } else if byte < 0x80 {
                position = plainASCIIEnd(from: position + 1)
            } else {
                position += try validatedSequenceLength(at: position)
            }
        }
    }

    /// Decodes the escape at `position` (a backslash) and appends its UTF-8 bytes.
    private mutating func appendEscape(to output: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = position
        position += 1
        guard position < bytes.count else { throw endOfInput(expected: "an escape character") }
        let code = bytes[position]
        position += 1
        let simple: UInt8?
        switch code {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            throw JSONParseError(offset: escapeStart, reason: .invalidEscape(code))
        }
        if let simple {
            output.append(simple)
            return
        }
        let unit = try readHex4()
        var scalarValue = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard position + 1 < bytes.count,
                bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
            else {
                throw JSONParseError(offset: escapeStart, reason: .loneSurrogate(unit))
            }
            position += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError(offset: escapeStart, reason: .loneSurrogate(unit))
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw JSONParseError(offset: escapeStart, reason: .loneSurrogate(unit))
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw JSONParseError(offset: escapeStart, reason: .loneSurrogate(unit))
        }
        if let encoded = UTF8.encode(scalar) {
            output.append(contentsOf: encoded)
        }
    }

    /// Reads four hex digits at `position`.
    private mutating func readHex4() throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw endOfInput(expected: "four hex digits after \\u") }
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(offset: position, reason: .invalidUnicodeEscape)
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    /// The length of the well-formed multi-byte UTF-8 sequence at `index` (Unicode Table 3-7).
    private func validatedSequenceLength(at index: Int) throws(JSONParseError) -> Int {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F  // excludes UTF-16 surrogates
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F  // nothing above U+10FFFF
        default: throw JSONParseError(offset: index, reason: .invalidUTF8)
        }
        guard index + length <= bytes.count else {
            throw JSONParseError(offset: index, reason: .invalidUTF8)
        }
        guard secondRange.contains(bytes[index + 1]) else {
            throw JSONParseError(offset: index, reason: .invalidUTF8)
        }
        var offset = 2
        while offset < length {
            guard (0x80...0xBF).contains(bytes[index + offset]) else {
                throw JSONParseError(offset: index, reason: .invalidUTF8)
            }
            offset += 1
        }
        return length
    }
}
