/// An incremental HTTP/1.x request parser with hard limits, fed from one connection's input buffer.
///
/// It keeps its place between calls, so a request that arrives in many TLS records is scanned once.
/// Bodies may use `Content-Length` or `Transfer-Encoding: chunked`.
struct HTTPRequestParser {
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
    private var headerScanFrom = 0
    private var continueAnswered = false
    private var chunkCursor = 0
    private var chunkStage = ChunkStage.size
    private var decodedBody: [UInt8] = []

    init(limits: Limits) { self.limits = limits }

    /// Parses from the start of `buffer` (which must begin where the previous request ended).
    mutating func parse(_ buffer: [UInt8]) throws(Failure) -> Outcome {
        if head == nil {
            guard let end = findHeaderEnd(buffer) else {
                if buffer.count > limits.maxHeaderBytes {
                    throw Failure(status: 431, message: "request header too large")
                }
                return .needMore
            }
            head = try parseHead(buffer[0..<end], headerLength: end + 4)
            chunkCursor = end + 4
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
        headerScanFrom = 0
        continueAnswered = false
        chunkCursor = 0
        chunkStage = .size
        decodedBody = []
    }

    private mutating func findHeaderEnd(_ buffer: [UInt8]) -> Int? {
        let limit = min(buffer.count, limits.maxHeaderBytes + 4)
        var index = max(0, headerScanFrom - 3)
        while index + 3 < limit {
            if buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
                return index
            }
            index += 1
        }
        headerScanFrom = limit
        return nil
    }

    private func parseHead(_ bytes: ArraySlice<UInt8>, headerLength: Int) throws(Failure) -> Head {
        guard headerLength - 4 <= limits.maxHeaderBytes else {
            throw Failure(status: 431, message: "request header too large")
        }
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 13 ? line.dropLast() : line
        }
        // Tolerate empty lines before the request line (RFC 9112 §2.2).
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.first else { throw Failure(status: 400, message: "missing request line") }
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].allSatisfy(Self.isTokenByte) else {
            throw Failure(status: 400, message: "malformed request line")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw Failure(status: 505, message: "unsupported HTTP version")
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        guard target.hasPrefix("/") else {
            throw Failure(status: 400, message: "request target must be an absolute path")
        }

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard headers.count < limits.maxHeaderCount else {
                throw Failure(status: 431, message: "too many header fields")
            }
            guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else {
                throw Failure(status: 400, message: "obsolete header line folding")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[line.startIndex..<colon].allSatisfy(Self.isTokenByte)
            else { throw Failure(status: 400, message: "malformed header field") }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces
            headers.append((name, value))
        }

        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = QueryString.percentDecode(String(pathPart[0]), plusIsSpace: false)
        let rawQuery = pathPart.count > 1 ? String(pathPart[1]) : ""
        let connection = headers.filter { $0.name == "connection" }.map { $0.value.lowercased() }.joined(separator: ",")
        let keepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        let request = HTTPRequest(
            method: String(decoding: parts[0], as: UTF8.self), target: target, path: path, rawQuery: rawQuery,
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

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
