/// A strict RFC 8259 JSON parser for untrusted input.
///
/// - Never recurses: nesting is tracked on an explicit stack and capped by
///   ``Limits/maxDepth``, so hostile input cannot exhaust the call stack.
/// - Rejects invalid UTF-8, lone surrogates in `\u` escapes, raw control characters in
///   strings, leading zeros, `NaN`/`Infinity`, a byte-order mark, and trailing data.
/// - Numbers keep their source text; object members keep their order.
/// - ``parse(_:keeping:)`` keeps only the members a ``JSONSelection`` names and builds nothing for the rest.
///
/// Every error is a ``JSONParseError`` carrying the byte offset and the reason.
public struct JSONParser: Sendable {
    /// Resource limits applied while parsing.
    public struct Limits: Sendable, Hashable {
        /// Default maximum nesting of arrays and objects.
        public static let defaultMaxDepth = 64

        /// Maximum nesting of arrays/objects; the top-level container is depth 1.
        public var maxDepth: Int
        /// Inputs longer than this are refused before any parsing happens.
        public var maxInputBytes: Int

        /// Creates limits.
        public init(maxDepth: Int = Limits.defaultMaxDepth, maxInputBytes: Int = Int.max) {
            self.maxDepth = max(0, maxDepth)
            self.maxInputBytes = max(0, maxInputBytes)
        }
    }

    /// The limits in force.
    public var limits: Limits

    /// Creates a parser.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses one complete JSON value from UTF-8 bytes.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxInputBytes else {
            throw JSONParseError(
                offset: 0, reason: .inputTooLarge(size: bytes.count, limit: limits.maxInputBytes))
        }
        var scanner = JSONScanner(bytes: bytes, maxDepth: limits.maxDepth)
        return try scanner.parseDocument()
    }

    /// Parses one complete JSON value from UTF-8 bytes, keeping only what `selection` names. The whole input is
    /// validated as by ``parse(_:)-([UInt8])``, and with `.all` the result is the same.
    public func parse(_ bytes: [UInt8], keeping selection: JSONSelection) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxInputBytes else {
            throw JSONParseError(
                offset: 0, reason: .inputTooLarge(size: bytes.count, limit: limits.maxInputBytes))
        }
        var scanner = JSONScanner(bytes: bytes, maxDepth: limits.maxDepth)
        return try scanner.parseDocument(keeping: selection)
    }

    /// Parses one complete JSON value from a string's UTF-8 encoding.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}
