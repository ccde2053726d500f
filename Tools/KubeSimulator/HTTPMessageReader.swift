import HTTPWire

/// Reads HTTP/1.x requests with hard limits from one connection's input buffer: the head through HTTPWire's
/// request-head parser (the one the supervisor's endpoint uses, with its checks: request-line bytes, method and
/// target form, header syntax, control characters), the body framed here.
///
/// It keeps its place between calls, so a request that arrives in many TLS records is scanned once.
/// Bodies may use `Content-Length` or `Transfer-Encoding: chunked`.
struct HTTPMessageReader {
    /// Size limits (untrusted input).
    struct Limits: Sendable, Hashable {
        /// The request line plus all header lines.
        var maxHeaderBytes: Int
        /// The decoded body.
        var maxBodyBytes: Int
        /// The number of header fields.
        var maxHeaderCount: Int
    }

    /// A parse failure; each maps to the status code sent before closing the connection.
    struct Failure: Error, Equatable {
        /// 400, 413, 431, 501 or 505.
        var status: Int
        /// What was wrong.
        var message: String
    }

    /// What the buffer holds so far.
    enum Outcome {
        /// A complete request that used the first `consumed` bytes of the buffer.
        case request(HTTPRequest, consumed: Int)
        /// The client sent `Expect: 100-continue` and waits for permission to send the body.
        case continueExpected
        /// More bytes are needed.
        case needMore
    }

    private struct Head {
        var request: HTTPRequest
        var headerLength: Int
        var contentLength: Int?
        var chunked: Bool
        var expectsContinue: Bool
    }

    private enum ChunkStage {
        case size
        case data(remaining: Int)
        case dataEnd, trailers
    }

    let limits: Limits
    private var head: Head?
    private var headParser: HTTPRequestParser
    /// How much of the buffer `headParser` has been given.
    private var fed = 0
    private var continueAnswered = false
    private var chunkCursor = 0
    private var chunkStage = ChunkStage.size
    private var decodedBody: [UInt8] = []

    init(limits: Limits) {
        self.limits = limits
        headParser = Self.headParser(limits)
    }

    /// The head may be `maxHeaderBytes` long before its blank line.
    private static func headParser(_ limits: Limits) -> HTTPRequestParser {
        HTTPRequestParser(maxBytes: limits.maxHeaderBytes + 4, maxHeaders: limits.maxHeaderCount)
    }

    /// Parses from the start of `buffer` (which must begin where the previous request ended).
    mutating func parse(_ buffer: [UInt8]) throws(Failure) -> Outcome {
        if head == nil {
            let result = headParser.append(buffer[min(fed, buffer.count)...])
            fed = buffer.count
            switch result {
            case .incomplete:
                return .needMore
            case .invalid(let status, let reason):
                throw Failure(status: status, message: reason)
            case .complete(let parsed):
                let headerLength = headParser.headLength ?? 0
                head = try makeHead(parsed, headerLength: headerLength)
                chunkCursor = headerLength
            }
        }
        guard let current = head else { return .needMore }
        if current.chunked {
            guard try decodeChunks(buffer) else { return try waitForBody(current, buffer) }
            var request = current.request
            request.body = decodedBody
            let consumed = chunkCursor
            reset()
            return .request(request, consumed: consumed)
        }
        let length = current.contentLength ?? 0
        guard buffer.count - current.headerLength >= length else { return try waitForBody(current, buffer) }
        var request = current.request
        request.body = Array(buffer[current.headerLength..<(current.headerLength + length)])
        reset()
        return .request(request, consumed: current.headerLength + length)
    }

    private mutating func waitForBody(_ current: Head, _ buffer: [UInt8]) throws(Failure) -> Outcome {
        if current.expectsContinue && !continueAnswered && buffer.count == current.headerLength {
            continueAnswered = true
            return .continueExpected
        }
        return .needMore
    }

    private mutating func reset() {
        head = nil
        headParser = Self.headParser(limits)
        fed = 0
        continueAnswered = false
        chunkCursor = 0
        chunkStage = .size
        decodedBody = []
    }

    /// The simulator's request from a parsed head: names lowercased, the path percent-decoded, keep-alive, and
    /// the body's framing (checked here: HTTPWire leaves bodies to the caller).
    private func makeHead(_ parsed: HTTPWire.HTTPRequest, headerLength: Int) throws(Failure) -> Head {
        let target = parsed.target
        let version = parsed.version
        let headers = parsed.headers.map { (name: $0.name.lowercased(), value: $0.value) }
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = QueryString.percentDecode(String(pathPart[0]), plusIsSpace: false)
        let rawQuery = pathPart.count > 1 ? String(pathPart[1]) : ""
        let connection = headers.filter { $0.name == "connection" }.map { $0.value.lowercased() }.joined(separator: ",")
        let keepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        let request = HTTPRequest(
            method: parsed.method, target: target, path: path, rawQuery: rawQuery,
            headers: headers, body: [], keepAlive: keepAlive)

        let encodings = headers.filter { $0.name == "transfer-encoding" }.map { $0.value.lowercased() }
        let lengths = Set(headers.filter { $0.name == "content-length" }.map(\.value))
        var contentLength: Int?
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                throw Failure(status: 400, message: "both Content-Length and Transfer-Encoding")
            }
            guard encodings == ["chunked"] else { throw Failure(status: 501, message: "unsupported transfer coding") }
        } else if let text = lengths.first {
            guard lengths.count == 1, !text.isEmpty, text.utf8.count <= 18,
                text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(text)
            else { throw Failure(status: 400, message: "invalid Content-Length") }
            guard value <= limits.maxBodyBytes else { throw Self.bodyTooLarge(limits.maxBodyBytes) }
            contentLength = value
        }
        let expects = request.header("expect")?.lowercased() == "100-continue" && version == "HTTP/1.1"
        return Head(
            request: request, headerLength: headerLength, contentLength: contentLength, chunked: !encodings.isEmpty,
            expectsContinue: expects)
    }

    /// Decodes as much of a chunked body as is buffered; `true` once the terminating chunk and trailers are in.
    private mutating func decodeChunks(_ buffer: [UInt8]) throws(Failure) -> Bool {
        while true {
            switch chunkStage {
            case .size:
                guard let lineEnd = lineEnd(in: buffer, from: chunkCursor) else {
                    if buffer.count - chunkCursor > 1024 {
                        throw Failure(status: 400, message: "chunk size line too long")
                    }
                    return false
                }
                let line = buffer[chunkCursor..<lineEnd]
                let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") }
                guard !digits.isEmpty, digits.count <= 8 else {
                    throw Failure(status: 400, message: "invalid chunk size")
                }
                var size = 0
                for digit in digits {
                    guard let value = QueryString.hexValue(digit) else {
                        throw Failure(status: 400, message: "invalid chunk size")
                    }
                    size = size << 4 | Int(value)
                }
                chunkCursor = lineEnd + 2
                guard decodedBody.count + size <= limits.maxBodyBytes else {
                    throw Self.bodyTooLarge(limits.maxBodyBytes)
                }
                chunkStage = size == 0 ? .trailers : .data(remaining: size)
            case .data(let remaining):
                let available = min(remaining, buffer.count - chunkCursor)
                if available > 0 {
                    decodedBody.append(contentsOf: buffer[chunkCursor..<(chunkCursor + available)])
                    chunkCursor += available
                }
                if available < remaining {
                    chunkStage = .data(remaining: remaining - available)
                    return false
                }
                chunkStage = .dataEnd
            case .dataEnd:
                guard buffer.count - chunkCursor >= 2 else { return false }
                guard buffer[chunkCursor] == 13, buffer[chunkCursor + 1] == 10 else {
                    throw Failure(status: 400, message: "missing CRLF after chunk data")
                }
                chunkCursor += 2
                chunkStage = .size
            case .trailers:
                guard let lineEnd = lineEnd(in: buffer, from: chunkCursor) else {
                    if buffer.count - chunkCursor > limits.maxHeaderBytes {
                        throw Failure(status: 431, message: "trailers too large")
                    }
                    return false
                }
                let empty = lineEnd == chunkCursor
                chunkCursor = lineEnd + 2
                if empty { return true }
            }
        }
    }

    private func lineEnd(in buffer: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < buffer.count {
            if buffer[index] == 13 && buffer[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    private static func bodyTooLarge(_ limit: Int) -> Failure {
        Failure(status: 413, message: "Request entity too large: limit is \(limit)")
    }
}
