/// Reads one HTTP/1.x request head from bytes that arrive in pieces, within fixed limits: the one request-head
/// parser, behind the supervisor's HTTP endpoint and the Kubernetes API simulator (which frames bodies on top).
///
/// Pure: feed it what `read(2)` returned and it says whether the head is complete, still incomplete, or
/// unacceptable (with the status to answer). It rejects as early as it can: a byte that cannot occur in a
/// request line (TLS handshakes, binary garbage) fails at once instead of after the size limit or the timeout.
/// Line ends may be CRLF or a bare LF; obsolete line folding, bare CRs and control characters are refused.
/// Bodies are not read here: ``headLength`` says where the head ends, and what follows is the caller's.
public struct HTTPRequestParser: Sendable {
    /// What the bytes so far amount to.
    public enum Result: Sendable, Equatable {
        case incomplete
        case complete(HTTPRequest)
        /// Answer with this status and close.
        case invalid(status: Int, reason: String)
    }

    /// The largest request head accepted (request line plus headers).
    public let maxBytes: Int
    /// The most header fields accepted.
    public let maxHeaders: Int
    public private(set) var buffer: [UInt8] = []
    /// Once complete: the head's length in bytes, through the blank line that ends it.
    public private(set) var headLength: Int?
    private var result: Result = .incomplete
    /// How much of the request line has been checked, and whether its end was seen (so a trickle of single
    /// bytes is checked in linear time).
    private var requestLineChecked = 0
    private var requestLineEnded = false

    public static let defaultMaxBytes = 8 * 1024

    public init(maxBytes: Int = HTTPRequestParser.defaultMaxBytes, maxHeaders: Int = 64) {
        self.maxBytes = maxBytes
        self.maxHeaders = maxHeaders
    }

    /// Adds bytes and returns the state. Once complete or invalid, further bytes change nothing.
    public mutating func append(_ bytes: some Collection<UInt8>) -> Result {
        guard case .incomplete = result else { return result }
        let searchFrom = max(0, buffer.count - 3)
        let room = maxBytes - buffer.count
        buffer.append(contentsOf: bytes.prefix(max(0, room)))
        if let end = Self.headEnd(in: buffer, from: searchFrom) {
            result = parse(buffer[..<end])
            if case .complete = result { headLength = end }
        } else if let problem = checkRequestLine() {
            result = .invalid(status: 400, reason: problem)
        } else if buffer.count >= maxBytes {
            result = .invalid(status: 431, reason: "request head larger than \(maxBytes) bytes")
        }
        return result
    }

    /// The index just past the blank line ending the head (`\r\n\r\n` or `\n\n`), if present.
    static func headEnd(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == lf {
                if index + 1 < bytes.count, bytes[index + 1] == lf { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == cr, bytes[index + 2] == lf { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    /// Checks the part of the request line not checked yet (complete or not) for bytes it can never contain.
    private mutating func checkRequestLine() -> String? {
        while !requestLineEnded, requestLineChecked < buffer.count {
            let byte = buffer[requestLineChecked]
            if byte == Self.lf {
                requestLineEnded = true
            } else if byte == Self.cr {
                // Decided once the next byte is here.
                guard requestLineChecked + 1 < buffer.count else { return nil }
                if buffer[requestLineChecked + 1] != Self.lf { return "bare CR in the request line" }
            } else if byte < 0x20 || byte >= 0x7F {
                return "invalid byte in the request line"
            }
            requestLineChecked += 1
        }
        return nil
    }

    private func parse(_ head: ArraySlice<UInt8>) -> Result {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        for index in head.indices where head[index] == Self.lf {
            var line = head[start..<index]
            if line.last == Self.cr { line = line.dropLast() }
            if line.contains(Self.cr) { return .invalid(status: 400, reason: "bare CR in the request head") }
            lines.append(line)
            start = index + 1
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .invalid(status: 400, reason: "empty request") }
        let parts = requestLine.split(separator: Self.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .invalid(status: 400, reason: "malformed request line") }
        let method = parts[0], target = parts[1], version = parts[2]
        guard !method.isEmpty, method.count <= 16, method.allSatisfy(Self.isTokenByte) else {
            return .invalid(status: 400, reason: "malformed method")
        }
        guard target.first == UInt8(ascii: "/"), target.count <= 2048, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            return .invalid(status: 400, reason: "malformed request target")
        }
        let versionText = String(decoding: version, as: UTF8.self)
        guard versionText == "HTTP/1.1" || versionText == "HTTP/1.0" else {
            let wellFormed = version.count == 8 && versionText.hasPrefix("HTTP/")
            return .invalid(status: wellFormed ? 505 : 400, reason: "unsupported protocol version")
        }
        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() {
            guard headers.count < maxHeaders else {
                return .invalid(status: 431, reason: "more than \(maxHeaders) header fields")
            }
            guard let first = line.first, first != Self.space, first != Self.tab else {
                return .invalid(status: 400, reason: "obsolete line folding or empty header line")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[..<colon].allSatisfy(Self.isTokenByte)
            else { return .invalid(status: 400, reason: "malformed header field") }
            let value = line[(colon + 1)...].drop { $0 == Self.space || $0 == Self.tab }
            guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == Self.tab }) else {
                return .invalid(status: 400, reason: "control character in a header value")
            }
            var trimmed = value
            while let last = trimmed.last, last == Self.space || last == Self.tab { trimmed = trimmed.dropLast() }
            headers.append(
                HTTPHeader(String(decoding: line[..<colon], as: UTF8.self), String(decoding: trimmed, as: UTF8.self)))
        }
        return .complete(
            HTTPRequest(
                method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
                version: versionText, headers: headers))
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
}
