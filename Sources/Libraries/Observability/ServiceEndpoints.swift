import HTTPWire

/// The supervisor's HTTP endpoints, as a pure function of the request and the service's state.
///
/// - `GET /metrics`: the Prometheus text exposition.
/// - `GET /healthz`: liveness. Always 200 `ok`: the answer is produced by the supervisor's event loop itself,
///   so a loop that is wedged cannot answer at all and the probe times out.
/// - `GET /readyz`: readiness. 200 `ready`, or 503 with a one-line reason.
///
/// `HEAD` is accepted wherever `GET` is. Other methods get 405, other paths 404. The query string is ignored.
public enum ServiceEndpoints {
    public static func respond(
        to request: HTTPRequest, metrics: () -> [MetricFamily], readinessProblem: () -> String?
    ) -> HTTPResponse {
        let path = request.path
        guard path == "/metrics" || path == "/healthz" || path == "/readyz" else {
            return .text(404, "not found: try /metrics, /healthz or /readyz")
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(405, "method not allowed", headers: [HTTPHeader("Allow", "GET, HEAD")])
        }
        switch path {
        case "/metrics":
            return HTTPResponse(
                status: 200, contentType: PrometheusText.contentType, body: Array(PrometheusText.render(metrics()).utf8)
            )
        case "/healthz":
            return .text(200, "ok")
        default:
            if let problem = readinessProblem() {
                return .text(503, "not ready: \(problem.filter { $0 != "\n" && $0 != "\r" })")
            }
            return .text(200, "ready")
        }
    }
}
