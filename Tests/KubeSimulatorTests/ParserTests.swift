import Testing

@testable import KubeSimulator

@Suite("HTTP request parser")
struct ParserTests {
    private let limits = HTTPMessageReader.Limits(maxHeaderBytes: 1024, maxBodyBytes: 64, maxHeaderCount: 10)

    private func request(_ outcome: HTTPMessageReader.Outcome) -> (HTTPRequest, Int)? {
        if case .request(let request, let consumed) = outcome { return (request, consumed) }
        return nil
    }

    @Test("a request split over several reads, then a pipelined second one")
    func incrementalAndPipelined() throws {
        var parser = HTTPMessageReader(limits: limits)
        let first = Array("POST /a?x=1%202 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello".utf8)
        let second = Array("GET /b HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)
        var buffer: [UInt8] = []
        for byte in first.dropLast() {
            buffer.append(byte)
            guard case .needMore = try parser.parse(buffer) else {
                Issue.record("complete too early")
                return
            }
        }
        buffer.append(first.last ?? 0)
        buffer += second
        let (parsed, consumed) = try #require(request(try parser.parse(buffer)))
        #expect(parsed.method == "POST" && parsed.path == "/a" && parsed.body == Array("hello".utf8))
        #expect(parsed.queryValue("x") == "1 2")
        #expect(parsed.keepAlive)
        buffer.removeFirst(consumed)
        let (next, _) = try #require(request(try parser.parse(buffer)))
        #expect(next.path == "/b" && !next.keepAlive)
    }

    @Test("chunked bodies are decoded, with extensions and trailers")
    func chunked() throws {
        var parser = HTTPMessageReader(limits: limits)
        let text =
            "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\n"
        let (parsed, consumed) = try #require(request(try parser.parse(Array(text.utf8))))
        #expect(String(decoding: parsed.body, as: UTF8.self) == "Wikipedia")
        #expect(consumed == text.utf8.count)
    }

    @Test("limits and malformed input map to 400, 413, 431, 501 and 505")
    func failures() {
        func status(_ text: String) -> Int? {
            var parser = HTTPMessageReader(limits: limits)
            do {
                _ = try parser.parse(Array(text.utf8))
                return nil
            } catch {
                return error.status
            }
        }
        #expect(status("GET / HTTP/1.1\r\nContent-Length: 65\r\n\r\n") == 413)
        #expect(status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n") == 413)
        #expect(status("GET / HTTP/1.1\r\nX: \(String(repeating: "y", count: 1100))\r\n\r\n") == 431)
        #expect(status("GET / HTTP/1.1\r\nX: \(String(repeating: "y", count: 1100))") == 431)
        #expect(status("GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") == 501)
        #expect(status("GET / HTTP/2.0\r\n\r\n") == 505)
        #expect(status("GET / HTTP/1.1\r\n folded: x\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == 400)
        #expect(status(String(repeating: "H: v\r\n", count: 1).replacingFirstLine()) == nil)
    }

    @Test("the head's checks are the supervisor endpoint's (HTTPWire): garbage, control bytes, header count")
    func sharedHeadChecks() throws {
        func status(_ text: String) -> Int? {
            var parser = HTTPMessageReader(limits: limits)
            do {
                _ = try parser.parse(Array(text.utf8))
                return nil
            } catch {
                return error.status
            }
        }
        #expect(status("\u{16}\u{03}\u{01}\u{02}\u{00}") == 400)
        #expect(status("GET / HTTP/1.1\r\nA: b\u{7F}\r\n\r\n") == 400)
        #expect(status("GET http://x/ HTTP/1.1\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\n" + (0..<11).map { "H\($0): v\r\n" }.joined() + "\r\n") == 431)
        // The head's length is what the body starts after, also with bare line feeds.
        var parser = HTTPMessageReader(limits: limits)
        let (parsed, consumed) = try #require(
            request(try parser.parse(Array("POST /x HTTP/1.1\nContent-Length: 2\n\nab".utf8))))
        #expect(parsed.body == Array("ab".utf8) && consumed == 38)
    }

    @Test("Expect: 100-continue is reported once, before the body")
    func expectContinue() throws {
        var parser = HTTPMessageReader(limits: limits)
        let head = Array("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8)
        guard case .continueExpected = try parser.parse(head) else {
            Issue.record("expected 100-continue")
            return
        }
        guard case .needMore = try parser.parse(head) else {
            Issue.record("100-continue reported twice")
            return
        }
        #expect(request(try parser.parse(head + [1, 2])) != nil)
    }
}

extension String {
    /// A complete minimal request whose only header is this text.
    fileprivate func replacingFirstLine() -> String { "GET / HTTP/1.0\r\n" + self + "\r\n" }
}
