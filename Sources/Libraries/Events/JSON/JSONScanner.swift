/// The iterative parsing engine behind ``JSONParser``.
///
/// Open containers live on explicit stacks (one per container kind, so appends mutate in
/// place), which keeps native stack usage constant whatever the input looks like.
struct JSONScanner {
    let bytes: [UInt8]
    let maxDepth: Int
    var position = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses the whole input as exactly one JSON value surrounded by optional whitespace.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue(depth: 0)
        try expectEnd()
        return value
    }

    /// Parses the whole input, keeping only what `selection` names (``JSONSelection``).
    mutating func parseDocument(keeping selection: JSONSelection) throws(JSONParseError) -> JSONValue {
        let value = try parseSelected(selection, depth: 0)
        try expectEnd()
        return value
    }

    private mutating func expectEnd() throws(JSONParseError) {
        skipWhitespace()
        guard position == bytes.count else {
            throw JSONParseError(offset: position, reason: .trailingCharacters)
        }
    }

    /// Parses the value at `position` under `selection`, inside `depth` open containers. Recurses only while the
    /// selection names members (so as deep as the selection, never as deep as the input); whole values are
    /// parsed by ``parseValue(depth:)`` and left-out members skipped by ``skipValue(depth:)``, both iterative.
    private mutating func parseSelected(_ selection: JSONSelection, depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        if case .all = selection { return try parseValue(depth: depth) }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { return try parseValue(depth: depth) }
        guard depth < maxDepth else { throw tooDeep() }
        position += 1
        skipWhitespace()
        var object = JSONObject()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(object)
        }
        var expected = "'\"' starting a key, or '}'"
        while true {
            let key = try parseKey(expected: expected)
            if let kept = selection.selection(of: key) {
                object.append(key, try parseSelected(kept, depth: depth + 1))
            } else {
                try skipValue(depth: depth + 1)
            }
            skipWhitespace()
            if try nextSeparator(closing: UInt8(ascii: "}"), expected: "',' or '}'") == UInt8(ascii: "}") {
                return .object(object)
            }
            expected = "'\"' starting a key"
        }
    }

    /// Parses one JSON value at `position`, inside `depth` open containers, and stops after it.
    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        var isObject: [Bool] = []  // one entry per open container, innermost last
        var arrays: [[JSONValue]] = []
        var objects: [JSONObject] = []
        var pendingKeys: [String] = []

        parsing: while true {
            // Phase 1: read the start of a value. Scalars complete at once; containers are opened.
            skipWhitespace()
            guard position < bytes.count else { throw endOfInput(expected: "a value") }
            var completed: JSONValue
            switch bytes[position] {
            case UInt8(ascii: "{"):
                guard depth + isObject.count < maxDepth else { throw tooDeep() }
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    completed = .object(JSONObject())
                } else {
                    pendingKeys.append(try parseKey(expected: "'\"' starting a key, or '}'"))
                    objects.append(JSONObject())
                    isObject.append(true)
                    continue parsing
                }
            case UInt8(ascii: "["):
                guard depth + isObject.count < maxDepth else { throw tooDeep() }
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    completed = .array([])
                } else {
                    arrays.append([])
                    isObject.append(false)
                    continue parsing
                }
            case UInt8(ascii: "\""):
                completed = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                completed = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                completed = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                completed = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                completed = .number(try parseNumber())
            case let byte:
                throw JSONParseError(offset: position, reason: .unexpectedByte(byte, expected: "a value"))
            }

            // Phase 2: hand the completed value to the innermost open container, closing
            // containers for as long as their closing bracket follows.
            while let innermostIsObject = isObject.last {
                skipWhitespace()
                if innermostIsObject {
                    objects[objects.count - 1].append(pendingKeys.removeLast(), completed)
                    let separator = try nextSeparator(closing: UInt8(ascii: "}"), expected: "',' or '}'")
                    if separator == UInt8(ascii: ",") {
                        pendingKeys.append(try parseKey(expected: "'\"' starting a key"))
                        continue parsing
                    }
                    isObject.removeLast()
                    completed = .object(objects.removeLast())
                } else {
                    arrays[arrays.count - 1].append(completed)
                    let separator = try nextSeparator(closing: UInt8(ascii: "]"), expected: "',' or ']'")
                    if separator == UInt8(ascii: ",") {
                        continue parsing
                    }
                    isObject.removeLast()
                    completed = .array(arrays.removeLast())
                }
            }
            return completed
        }
    }

    /// Validates the value at `position` exactly as ``parseValue(depth:)`` would, building nothing: the same
    /// errors at the same offsets, no string, number or container allocated.
    private mutating func skipValue(depth: Int) throws(JSONParseError) {
        var isObject: [Bool] = []  // one entry per open container, innermost last
        var scratch: [UInt8] = []  // escapes are decoded here to be validated
        skipping: while true {
            skipWhitespace()
            guard position < bytes.count else { throw endOfInput(expected: "a value") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                guard depth + isObject.count < maxDepth else { throw tooDeep() }
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
                    position += 1
                } else {
                    try skipKey(expected: "'\"' starting a key, or '}'", scratch: &scratch)
                    isObject.append(true)
                    continue skipping
                }
            case UInt8(ascii: "["):
                guard depth + isObject.count < maxDepth else { throw tooDeep() }
                position += 1
                skipWhitespace()
                if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
                    position += 1
                } else {
                    isObject.append(false)
                    continue skipping
                }
            case UInt8(ascii: "\""):
                try skipString(scratch: &scratch)
            case UInt8(ascii: "t"):
                try expectLiteral("true")
            case UInt8(ascii: "f"):
                try expectLiteral("false")
            case UInt8(ascii: "n"):
                try expectLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                switch JSONNumberScanner.scan(bytes, from: position) {
                case .success(let end): position = end
                case .failure(let error): throw error
                }
            case let byte:
                throw JSONParseError(offset: position, reason: .unexpectedByte(byte, expected: "a value"))
            }
            while let innermostIsObject = isObject.last {
                skipWhitespace()
                let separator =
                    innermostIsObject
                    ? try nextSeparator(closing: UInt8(ascii: "}"), expected: "',' or '}'")
                    : try nextSeparator(closing: UInt8(ascii: "]"), expected: "',' or ']'")
                if separator == UInt8(ascii: ",") {
                    if innermostIsObject { try skipKey(expected: "'\"' starting a key", scratch: &scratch) }
                    continue skipping
                }
                isObject.removeLast()
            }
            return
        }
    }

    /// ``parseKey(expected:)`` without building the key.
    private mutating func skipKey(expected: String, scratch: inout [UInt8]) throws(JSONParseError) {
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput(expected: expected) }
        guard bytes[position] == UInt8(ascii: "\"") else {
            throw JSONParseError(offset: position, reason: .unexpectedByte(bytes[position], expected: expected))
        }
        try skipString(scratch: &scratch)
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput(expected: "':'") }
        guard bytes[position] == UInt8(ascii: ":") else {
            throw JSONParseError(offset: position, reason: .unexpectedByte(bytes[position], expected: "':'"))
        }
        position += 1
    }

    /// Consumes `,` or `closing` and returns which one it was.
    private mutating func nextSeparator(closing: UInt8, expected: String) throws(JSONParseError) -> UInt8 {
        guard position < bytes.count else { throw endOfInput(expected: expected) }
        let byte = bytes[position]
        guard byte == UInt8(ascii: ",") || byte == closing else {
            throw JSONParseError(offset: position, reason: .unexpectedByte(byte, expected: expected))
        }
        position += 1
        return byte
    }

    /// Reads `"key"` followed by `:`.
    private mutating func parseKey(expected: String) throws(JSONParseError) -> String {
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput(expected: expected) }
        guard bytes[position] == UInt8(ascii: "\"") else {
            throw JSONParseError(offset: position, reason: .unexpectedByte(bytes[position], expected: expected))
        }
        let key = try parseString()
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput(expected: "':'") }
        guard bytes[position] == UInt8(ascii: ":") else {
            throw JSONParseError(offset: position, reason: .unexpectedByte(bytes[position], expected: "':'"))
        }
        position += 1
        return key
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            var index = 0
            while index < count {
                guard start + index < bytes.count, bytes[start + index] == expected[index] else { return false }
                index += 1
            }
            return true
        }
        guard matches else {
            if start + count > bytes.count && bytes[start...].elementsEqual(literal.prefixBytes(bytes.count - start)) {
                throw endOfInput(expected: "the rest of '\(literal)'")
            }
            throw JSONParseError(offset: start, reason: .invalidLiteral)
        }
        position += count
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        switch JSONNumberScanner.scan(bytes, from: start) {
        case .success(let end):
            position = end
            return JSONNumber(validatedText: String(decoding: bytes[start..<end], as: UTF8.self))
        case .failure(let error):
            throw error
        }
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                position += 1
            default:
                return
            }
        }
    }

    func endOfInput(expected: String) -> JSONParseError {
        JSONParseError(offset: bytes.count, reason: .unexpectedEndOfInput(expected: expected))
    }

    private func tooDeep() -> JSONParseError {
        JSONParseError(offset: position, reason: .nestingTooDeep(limit: maxDepth))
    }
}

extension StaticString {
    /// The first `count` UTF-8 bytes of the string.
    fileprivate func prefixBytes(_ count: Int) -> [UInt8] {
        withUTF8Buffer { Array($0.prefix(count)) }
    }
}
