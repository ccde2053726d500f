import HTTPWire
import Observability
import Testing

/// Routing: methods, paths, status codes and bodies of /metrics, /healthz and /readyz.
@Suite struct ServiceEndpointsTests {
    static let families = [MetricFamily(.gauge, "up", "h", value: 1)]

    static func respond(_ method: String, _ target: String, problem: String? = nil) -> HTTPResponse {
        ServiceEndpoints.respond(
            to: HTTPRequest(method: method, target: target, version: "HTTP/1.1"), metrics: { families },
            readinessProblem: { problem })
    }

    static func body(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test func metrics() {
        let response = Self.respond("GET", "/metrics?name[]=up")
        #expect(response.status == 200)
        #expect(response.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(Self.body(response) == "# HELP up h\n# TYPE up gauge\nup 1\n")
    }

    @Test func healthzIsAlways200() {
        let response = Self.respond("GET", "/healthz", problem: "draining")
        #expect(response.status == 200 && Self.body(response) == "ok\n")
    }

    @Test func readyzFollowsTheProblem() {
        #expect(Self.respond("GET", "/readyz").status == 200)
        let notReady = Self.respond("GET", "/readyz", problem: "shutting\ndown")
        #expect(notReady.status == 503)
        #expect(Self.body(notReady) == "not ready: shuttingdown\n", "one line")
    }

    @Test func headIsAllowedOtherMethodsAre405() {
        #expect(Self.respond("HEAD", "/healthz").status == 200)
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "get"] {
            let response = Self.respond(method, "/metrics")
            #expect(response.status == 405, "\(method)")
            #expect(response.headers.contains(HTTPHeader("Allow", "GET, HEAD")))
        }
    }

    @Test func unknownPathsAre404() {
        for path in ["/", "/metrics/", "/METRICS", "/healthz/x", "/favicon.ico"] {
            #expect(Self.respond("GET", path).status == 404, "\(path)")
        }
    }

    @Test func serializedResponseHasExactLengthAndCloses() {
        let bytes = HTTPResponse.text(503, "not ready: x").serialized()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(text.contains("\r\nContent-Length: 13\r\n") && text.contains("\r\nConnection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\nnot ready: x\n"))
        let head = String(decoding: HTTPResponse.text(200, "ok").serialized(includeBody: false), as: UTF8.self)
        #expect(head.hasSuffix("Connection: close\r\n\r\n") && head.contains("Content-Length: 3\r\n"))
    }
}
