import HTTPWire
import Observability
import Testing

/// The request-head parser: well-formed requests in any fragmentation, and every kind of garbage bounded.
@Suite struct HTTPRequestParserTests {
    static func parse(_ text: String, maxBytes: Int = HTTPRequestParser.defaultMaxBytes) -> HTTPRequestParser.Result {
        var parser = HTTPRequestParser(maxBytes: maxBytes)
        return parser.append(Array(text.utf8))
    }

    static func status(_ result: HTTPRequestParser.Result) -> Int? {
        if case .invalid(let status, _) = result { return status }
        return nil
    }

    @Test func simpleGet() throws {
        let result = Self.parse("GET /metrics?x=1 HTTP/1.1\r\nHost: localhost:9464\r\nAccept: */*\r\n\r\n")
        guard case .complete(let request) = result else {
            Issue.record("expected a request, got \(result)")
            return
        }
        #expect(request.method == "GET" && request.target == "/metrics?x=1" && request.path == "/metrics")
        #expect(request.version == "HTTP/1.1")
        #expect(request.header("host") == "localhost:9464" && request.header("ACCEPT") == "*/*")
    }

    @Test func bareLineFeedsAndHTTP10AreAccepted() {
        guard case .complete(let request) = Self.parse("HEAD /healthz HTTP/1.0\nUser-Agent:  probe  \n\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(request.method == "HEAD" && request.header("user-agent") == "probe")
    }

    @Test func everySplitPointGivesTheSameRequest() {
        let bytes = Array(
            "GET /readyz HTTP/1.1\r\nHost: a\r\nX-Long: \(String(repeating: "v", count: 300))\r\n\r\n".utf8)
        var whole = HTTPRequestParser()
        let expected = whole.append(bytes)
        for cut in 1..<bytes.count {
            var parser = HTTPRequestParser()
            #expect(parser.append(bytes[..<cut]) == .incomplete, "cut \(cut)")
            #expect(parser.append(bytes[cut...]) == expected, "cut \(cut)")
        }
    }

    @Test func oneByteAtATime() {
        let bytes = Array("GET /metrics HTTP/1.1\r\n\r\n".utf8)
        var parser = HTTPRequestParser()
        for byte in bytes.dropLast() { #expect(parser.append([byte]) == .incomplete) }
        guard case .complete = parser.append([bytes[bytes.count - 1]]) else {
            Issue.record("not complete")
            return
        }
    }

    @Test func bytesAfterTheHeadAreIgnoredAndResultIsFinal() {
        var parser = HTTPRequestParser()
        let first = parser.append(Array("GET / HTTP/1.1\r\n\r\nbody bytes".utf8))
        guard case .complete = first else {
            Issue.record("not complete")
            return
        }
        #expect(parser.append(Array("GET /other HTTP/1.1\r\n\r\n".utf8)) == first)
    }

    @Test(arguments: [
        "\u{16}\u{03}\u{01}\u{02}\u{00}",  // a TLS ClientHello
        "GET /\u{01} HTTP/1.1",  // control character in the request line, head not finished
        "GE\rT / HTTP/1.1",  // bare CR
        "\u{00}\u{00}\u{00}\u{00}",
        "GÉT / HTTP/1.1",  // non-ASCII
    ])
    func garbageIsRefusedBeforeTheHeadEnds(text: String) {
        #expect(Self.status(Self.parse(text)) == 400)
    }

    @Test(arguments: [
        "\r\n\r\n",  // empty request line
        "GET\r\n\r\n",
        "GET /\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",  // two spaces
        "GET metrics HTTP/1.1\r\n\r\n",  // not origin-form
        "GET http://x/metrics HTTP/1.1\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",  // not a token
        "GET / HTTX/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",  // obsolete line folding
        "GET / HTTP/1.1\r\nA: b\u{7F}\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
    ])
    func malformedHeadsAre400(text: String) {
        #expect(Self.status(Self.parse(text)) == 400, "\(text.debugDescription)")
    }

    @Test func otherProtocolVersionsAre505() {
        #expect(Self.status(Self.parse("GET / HTTP/2.0\r\n\r\n")) == 505)
        #expect(Self.status(Self.parse("GET / HTTP/0.9\r\n\r\n")) == 505)
    }

    @Test func anOversizedHeadIsRefusedAtTheLimitNotBuffered() {
        var parser = HTTPRequestParser(maxBytes: 1024)
        #expect(parser.append(Array("GET / HTTP/1.1\r\n".utf8)) == .incomplete)
        var result = HTTPRequestParser.Result.incomplete
        var rounds = 0
        while result == .incomplete, rounds < 10_000 {
            result = parser.append(Array("X-Padding: 0123456789\r\n".utf8))
            rounds += 1
        }
        #expect(Self.status(result) == 431)
        #expect(parser.buffer.count <= 1024)
        #expect(rounds < 100)
    }

    @Test func aRequestLineWithoutEndIsRefusedAtTheLimit() {
        var parser = HTTPRequestParser(maxBytes: 512)
        let result = parser.append(Array(("GET /" + String(repeating: "a", count: 10_000)).utf8))
        #expect(Self.status(result) == 431)
        #expect(parser.buffer.count == 512)
    }

    @Test func tooManyHeaders() {
        let head = "GET / HTTP/1.1\r\n" + (0..<70).map { "H\($0): v\r\n" }.joined() + "\r\n"
        var parser = HTTPRequestParser(maxBytes: 8192, maxHeaders: 64)
        #expect(Self.status(parser.append(Array(head.utf8))) == 431)
    }

    @Test func randomBytesNeverCrashAndAlwaysEndBounded() {
        // A fixed linear congruential sequence: the same bytes on every run.
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for _ in 0..<500 {
            var parser = HTTPRequestParser(maxBytes: 256)
            var result = HTTPRequestParser.Result.incomplete
            var fed = 0
            while result == .incomplete, fed < 10_000 {
                let chunk = (0..<Int(next() % 64 + 1)).map { _ in UInt8(truncatingIfNeeded: next()) }
                result = parser.append(chunk)
                fed += chunk.count
            }
            #expect(result != .incomplete, "256 bytes of input always decide")
            #expect(parser.buffer.count <= 256)
        }
    }
}
