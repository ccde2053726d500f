import Events
import Testing

@testable import KubeClient
@testable import KubeconfigLoading

@Suite("Pure logic: backoff, deadlines, URLs, status mapping")
struct PureLogicTests {
    @Test("backoff: the range doubles from the base and stops at the cap; draws stay inside it")
    func backoffRange() {
        let backoff = RetryBackoff(baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(backoff.ceiling(retry: 1) == .milliseconds(100))
        #expect(backoff.ceiling(retry: 2) == .milliseconds(200))
        #expect(backoff.ceiling(retry: 4) == .milliseconds(800))
        #expect(backoff.ceiling(retry: 5) == .seconds(1))
        #expect(backoff.ceiling(retry: 500) == .seconds(1))
        var generator = JitterGenerator()
        let draws = (0..<200).map { _ in backoff.delay(retry: 3, using: &generator) }
        #expect(draws.allSatisfy { $0 >= .zero && $0 <= .milliseconds(400) })
        #expect(Set(draws).count > 100, "full jitter: the draws are spread, not one value")
    }

    @Test("retry policy: which failures are retried, with what wait, and when it gives up")
    func retryPolicy() {
        let policy = RetryPolicy(
            maxAttempts: 3, backoff: RetryBackoff(baseDelay: .milliseconds(100), maxDelay: .seconds(1)),
            credentialsMayRotate: false)
        var generator = JitterGenerator()
        func decide(
            _ failure: RetryPolicy.Failure, attempts: Int = 1, refreshed: Bool = false,
            remaining: Duration = .seconds(9),
            policy: RetryPolicy = policy
        ) -> RetryPolicy.Action {
            policy.decide(
                failure, attempts: attempts, retries: attempts - 1, refreshedAfter401: refreshed, remaining: remaining,
                using: &generator)
        }
        for code in [500, 502, 503, 504] {
            guard case .retry(let delay, let cause) = decide(.status(code, retryAfter: nil)) else {
                Issue.record("\(code) not retried")
                continue
            }
            #expect(cause == String(code) && delay <= .milliseconds(100))
        }
        for code in [400, 401, 403, 404, 409, 410, 422, 501] {
            #expect(decide(.status(code, retryAfter: nil)) == .giveUp, "\(code)")
        }
        #expect(decide(.status(429, retryAfter: .seconds(2))) == .retry(after: .seconds(2), cause: "429"))
        #expect(decide(.status(429, retryAfter: .seconds(2)), remaining: .seconds(1)) == .outOfTime)
        #expect(decide(.status(503, retryAfter: nil), attempts: 3) == .giveUp, "maxAttempts reached")
        #expect(decide(.status(503, retryAfter: nil), remaining: .zero) == .outOfTime, "no time left")
        if case .retry(_, let cause) = decide(.transport(retriable: true)) {
            #expect(cause == "transport")
        } else {
            Issue.record("transport failure not retried")
        }
        #expect(decide(.transport(retriable: false)) == .giveUp)
        if case .retry(_, let cause) = decide(.quotaExceeded) {
            #expect(cause == "quota")
        } else {
            Issue.record("an exceeded quota not retried")
        }
        #expect(decide(.quotaExceeded, attempts: 3) == .giveUp, "maxAttempts reached")

        let rotating = RetryPolicy(maxAttempts: 3, backoff: policy.backoff, credentialsMayRotate: true)
        #expect(decide(.status(401, retryAfter: nil), policy: rotating) == .refreshCredentials)
        #expect(decide(.status(401, retryAfter: nil), refreshed: true, policy: rotating) == .giveUp)
        #expect(decide(.status(401, retryAfter: nil), attempts: 3, policy: rotating) == .giveUp)
    }

    @Test("deadlines: after, remaining, hasPassed and ordering on the monotonic clock")
    func deadlines() {
        let now = KubeDeadline.now()
        let later = KubeDeadline.after(.seconds(60))
        #expect(now < later)
        #expect(later.remaining > .seconds(59) && later.remaining <= .seconds(60))
        #expect(!later.hasPassed)
        let past = KubeDeadline.after(.seconds(-5))
        #expect(past.hasPassed)
        #expect(past.remaining == .zero)
        #expect(KubeDeadline(uptimeNanoseconds: .max - 1).advanced(by: .seconds(10)).uptimeNanoseconds == .max)
        #expect(KubeDeadline(uptimeNanoseconds: 5).advanced(by: .seconds(-10)).uptimeNanoseconds == 0)
    }

    @Test("server URLs: IPv6 brackets, default ports, path prefixes; userinfo and queries are refused")
    func serverURLs() throws {
        let v6 = try ServerURL("https://[fd00::1]:6443/")
        #expect(v6.host == "fd00::1" && v6.port == 6443 && v6.base() == "https://[fd00::1]:6443")
        let prefixed = try ServerURL("https://rancher.example/k8s/clusters/c-1/")
        #expect(prefixed.port == 443 && prefixed.base() == "https://rancher.example:443/k8s/clusters/c-1")
        #expect(prefixed.base(host: "other") == "https://other:443/k8s/clusters/c-1")
        #expect(throws: ServerURLProblem.self) { try ServerURL("https://user:secret@host") }
        #expect(throws: ServerURLProblem.self) { try ServerURL("https://host/?a=b") }
        #expect(throws: ServerURLProblem.self) { try ServerURL("ftp://host") }
        #expect(throws: ServerURLProblem.self) { try ServerURL("https://host:99999") }
        #expect(ServerURL.bracketed("::1") == "[::1]" && ServerURL.bracketed("10.0.0.1") == "10.0.0.1")
    }

    @Test("requests: query values are percent-encoded; bad paths and methods are refused before sending")
    func requestBuilding() throws {
        let prepared = try RequestBuilder.prepare(
            KubeRequest(
                method: "GET", path: "/api/v1/pods", query: [("labelSelector", "app in (a,b)"), ("limit", "5")]),
            baseURL: "https://h:1")
        #expect(prepared.url == "https://h:1/api/v1/pods?labelSelector=app%20in%20%28a%2Cb%29&limit=5")
        let body = try RequestBuilder.prepare(
            KubeRequest(method: "POST", path: "/api/v1/x", body: [1]), baseURL: "https://h:1")
        #expect(body.contentType == "application/json")
        for path in ["api/v1", "/api/v1?x=1", "/api v1", "/api/\n"] {
            #expect(throws: KubeAPIError.self) {
                try RequestBuilder.prepare(KubeRequest(method: "GET", path: path), baseURL: "https://h:1")
            }
        }
        #expect(throws: KubeAPIError.self) {
            try RequestBuilder.prepare(KubeRequest(method: "get\r\n", path: "/api"), baseURL: "https://h:1")
        }
    }

    @Test("Retry-After: the header in seconds or as an HTTP-date, else details.retryAfterSeconds, else nothing")
    func retryAfter() {
        #expect(RequestBuilder.retryAfter(headers: [("Retry-After", " 3 ")], body: []) == .seconds(3))
        let status = Array(#"{"kind":"Status","code":429,"details":{"retryAfterSeconds":2}}"#.utf8)
        #expect(RequestBuilder.retryAfter(headers: [], body: status) == .seconds(2))

        // 2015-10-21 07:27:50 UTC is 1445412470.
        let now: (seconds: Int64, year: Int) = (1_445_412_470, 2015)
        let date = [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]
        #expect(RequestBuilder.retryAfter(headers: date, body: [], now: now) == .seconds(10))
        #expect(
            RequestBuilder.retryAfter(headers: [("Retry-After", "Thu, 22 Oct 2015 07:28:00 GMT")], body: [], now: now)
                == .seconds(3600), "capped at an hour")
        let past = [("Retry-After", "Wed, 21 Oct 2015 07:27:00 GMT")]
        #expect(RequestBuilder.retryAfter(headers: past, body: [], now: now) == nil, "a past date: own backoff")
        #expect(RequestBuilder.retryAfter(headers: past, body: status, now: now) == .seconds(2))
        #expect(RequestBuilder.retryAfter(headers: [("Retry-After", "soon")], body: [], now: now) == nil)
    }

    @Test("HTTP-dates: IMF-fixdate, RFC 850 and asctime name the same instant; impossible dates are refused")
    func httpDates() {
        // RFC 9110's example instant.
        for text in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            #expect(HTTPDate.epochSeconds(text, currentYear: 2026) == 784_111_777, "\(text)")
        }
        #expect(HTTPDate.epochSeconds("Thursday, 01-Jan-26 00:00:00 GMT", currentYear: 2026) == 1_767_225_600)
        #expect(HTTPDate.epochSeconds("Thu, 29 Feb 2024 12:00:00 GMT", currentYear: 2026) == 1_709_208_000)
        for bad in [
            "Wed, 29 Feb 2023 00:00:00 GMT", "Thu, 29 Feb 1900 00:00:00 GMT", "Wed, 31 Apr 2015 00:00:00 GMT",
            "Wed, 21 Foo 2015 07:28:00 GMT", "Wed, 21 Oct 2015 24:00:00 GMT", "Wed, 21 Oct 2015 07:28:00 UTC",
            "Wed, 1 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 15 07:28:00 GMT", "21 Oct 2015", "",
            "Wed, 21 Oct 2015 7:28:00 GMT",
        ] {
            #expect(HTTPDate.epochSeconds(bad, currentYear: 2026) == nil, "\(bad)")
        }
        #expect(HTTPDate.epochSeconds("Sat, 29 Feb 2000 00:00:00 GMT", currentYear: 2026) == 951_782_400)
    }

    @Test("status codes map to kinds; 409 splits on the reason; transient kinds are marked")
    func statusMapping() {
        let cases: [(Int, String, KubeAPIError.Kind)] = [
            (400, "BadRequest", .badRequest), (401, "Unauthorized", .unauthorized), (403, "Forbidden", .forbidden),
            (404, "NotFound", .notFound), (409, "AlreadyExists", .alreadyExists), (409, "Conflict", .conflict),
            (410, "Expired", .badRequest), (422, "Invalid", .invalid), (429, "TooManyRequests", .tooManyRequests),
            (500, "InternalError", .serverError), (502, "", .serverError), (503, "ServiceUnavailable", .serverError),
            (504, "Timeout", .timeout), (302, "", .unexpected),
        ]
        for (code, reason, kind) in cases {
            #expect(KubeAPIError.kind(status: code, reason: reason) == kind, "\(code) \(reason)")
        }
        let body = Array(
            #"{"kind":"Status","status":"Failure","message":"m","reason":"Invalid","code":422,"details":{"causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.x"}]}}"#
                .utf8)
        let invalid = KubeAPIError.fromResponse(status: 422, body: body, attempts: 1, credentialsMayRotate: false)
        #expect(invalid.kind == .invalid && invalid.reason == "Invalid" && invalid.message == "m")
        #expect(invalid.causes == [.init(reason: "FieldValueRequired", field: "spec.x", message: "Required value")])
        #expect(!invalid.isTransient)
        let html = KubeAPIError.fromResponse(
            status: 502, body: Array("<html>token</html>".utf8), attempts: 2, credentialsMayRotate: false)
        #expect(html.reason == "BadGateway" && html.isTransient && !html.message.contains("token"))
        #expect(
            KubeAPIError.fromResponse(status: 401, body: [], attempts: 1, credentialsMayRotate: true).isTransient)
        #expect(
            !KubeAPIError.fromResponse(status: 401, body: [], attempts: 1, credentialsMayRotate: false).isTransient)
        // The quota admission plugin's 403 clears when Pods finish; its "must specify" 403 and RBAC's do not.
        func forbidden(_ message: String) -> KubeAPIError {
            var status = JSONObject()
            status.append("kind", .string("Status"))
            status.append("status", .string("Failure"))
            status.append("message", .string(message))
            status.append("reason", .string("Forbidden"))
            status.append("code", .number(JSONNumber(403)))
            return KubeAPIError.fromResponse(
                status: 403, body: JSONWriter.encode(.object(status)), attempts: 1, credentialsMayRotate: false)
        }
        let quota = forbidden(
            #"pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2"#)
        #expect(quota.kind == .forbidden && quota.isQuotaExceeded && quota.isTransient)
        for permanent in [
            #"pods "x" is forbidden: failed quota: q: must specify limits.cpu for: main"#,
            #"pods is forbidden: User "system:serviceaccount:ns:w" cannot create resource "pods" in API group "" in the namespace "ns""#,
            #"pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true"#,
        ] {
            let error = forbidden(permanent)
            #expect(error.kind == .forbidden && !error.isQuotaExceeded && !error.isTransient, "\(permanent)")
        }
    }

    @Test("base64: padding optional, whitespace ignored, junk refused; round trip")
    func base64() {
        #expect(Base64.decode("aGVsbG8=") == Array("hello".utf8))
        #expect(Base64.decode("aGVs\nbG8") == Array("hello".utf8))
        #expect(Base64.decode("aGVsbG8*") == nil)
        #expect(Base64.decode("a") == nil)
        let bytes: [UInt8] = (0..<255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }

    @Test("automatic source: KUBECONFIG's existing files, else ~/.kube/config, else in-cluster")
    func automaticSource() {
        let files: Set<String> = ["/a", "/home/me/.kube/config"]
        func choose(_ env: [String: String]) -> KubeClusterConfig.AutomaticChoice {
            KubeClusterConfig.automaticSource(environment: { env[$0] }, fileExists: { files.contains($0) })
        }
        #expect(choose(["KUBECONFIG": "/missing:/a::/a", "HOME": "/home/me"]) == .kubeconfig(["/a"]))
        #expect(choose(["KUBECONFIG": "/missing", "HOME": "/home/me"]) == .inCluster)
        #expect(choose(["HOME": "/home/me"]) == .kubeconfig(["/home/me/.kube/config"]))
        #expect(choose(["HOME": "/elsewhere"]) == .inCluster)
    }

    @Test(
        "a credential plugin's environment never carries k8s-worker's settings, systemd's variables or GnuTLS's load-time switch"
    )
    func pluginEnvironmentWithholdsSettings() {
        let base = [
            "K8S_WORKER_KAFKA_SASL_PASSWORD=hunter2", "NOTIFY_SOCKET=/run/notify", "PLUGIN_TEST_KEPT=yes", "EXTRA=0",
            "GNUTLS_NO_IMPLICIT_INIT=1",
        ]
        let environment = ChildProcess.environment(with: [("EXTRA", "1")], base: base)
        #expect(!environment.contains { $0.hasPrefix("K8S_WORKER_") || $0.contains("hunter2") })
        #expect(!environment.contains { $0.hasPrefix("NOTIFY_SOCKET=") })
        #expect(!environment.contains { $0.hasPrefix("GNUTLS_NO_IMPLICIT_INIT=") }, "a plugin using GnuTLS needs it")
        #expect(environment.contains("PLUGIN_TEST_KEPT=yes"))
        #expect(environment.filter { $0.hasPrefix("EXTRA=") } == ["EXTRA=1"])
    }

    @Test("header lines: status lines restart the fields, names and values are trimmed, lines without a colon ignored")
    func headerLines() {
        let collector = ResponseCollector(limit: 1024)
        func feed(_ line: String) {
            Array(line.utf8).withUnsafeBytes { collector.appendHeaderLine($0) }
        }
        feed("HTTP/1.1 100 Continue\r\n")
        feed("X-Early: dropped\r\n")
        feed("HTTP/1.1 429 Too Many Requests\r\n")
        feed("Retry-After: 3\r\n")
        feed("Warning:\t 299 - \"deprecated\" \t\r\n")
        feed("Audit-Id:\r\n")
        feed("no colon here\r\n")
        feed("Content-Type: application/json; charset=utf-8\n")
        feed("X-Unicode: caf\u{e9}\r\n")
        feed("\r\n")
        #expect(collector.headers.map(\.0) == ["Retry-After", "Warning", "Audit-Id", "Content-Type", "X-Unicode"])
        #expect(
            collector.headers.map(\.1) == [
                "3", "299 - \"deprecated\"", "", "application/json; charset=utf-8", "caf\u{e9}",
            ])
    }
}
