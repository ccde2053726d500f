import Events
import KubeClient
import KubeSimulator
import Testing

/// Injected faults: what is retried, how long the client waits, and where it stops.
@Suite("Retries and deadlines")
struct RetryTests {
    @Test(
        "each fault kind is retried, then the call succeeds; the attempts are visible",
        arguments: [
            (FaultRule.Kind.tooManyRequests, "429"), (.internalError, "500"), (.serviceUnavailable, "503"),
            (.gatewayTimeout, "504"), (.drop, "transport"),
            (.truncate, "transport"),
        ])
    func faultThenSuccess(kind: FaultRule.Kind, cause: String) throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(
            FaultConfiguration(rules: [FaultRule(kind, retryAfterSeconds: 0, verbs: ["get"], remaining: 2)]))
        let client = try harness.client()
        let response = try client.send(
            .init(method: "GET", path: "/api/v1/namespaces/ns"), deadline: TestSupport.soon)
        #expect(response.status == 200)
        #expect(response.attempts == 3)
        #expect(client.statistics.retries == [cause: 2])
        #expect(client.statistics.attempts == 3)
        #expect(harness.simulator.counters.faults[kind.rawValue] == 2)
    }

    @Test("a full ResourceQuota is retried (cause quota) and the create succeeds once a Pod finishes")
    func quotaIsRetried() throws {
        let harness = try TestSupport.simulator()
        let admin = try SimulatorClient(simulator: harness.simulator, token: harness.simulator.adminToken)
        let quota = #"{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"pods":"1"}}}"#
        let pod = { (name: String) in
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
                .replacing("NAME", with: name)
        }
        #expect(
            try admin.request("POST", "/api/v1/namespaces/ns/resourcequotas", body: Array(quota.utf8)).status == 201)
        #expect(try admin.request("POST", "/api/v1/namespaces/ns/pods", body: Array(pod("a").utf8)).status == 201)
        let client = try harness.client()
        let error = try #require(throws: KubeAPIError.self) {
            try client.create("/api/v1/namespaces/ns/pods", body: Array(pod("b").utf8), deadline: .after(.seconds(1)))
        }
        #expect(error.isQuotaExceeded && error.isTransient && error.attempts >= 2)
        #expect((client.statistics.retries["quota"] ?? 0) == error.attempts - 1)
        try harness.simulator.setPodPhase(namespace: "ns", name: "a", phase: "Failed")
        _ = try client.create("/api/v1/namespaces/ns/pods", body: Array(pod("b").utf8), deadline: TestSupport.soon)
    }

    @Test("a call's own attempt limit: fewer attempts than the client's, never more")
    func perCallAttemptLimit() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(FaultConfiguration(rules: [FaultRule(.webhook, verbs: ["create"])]))
        let client = try harness.client()
        let body = Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#.utf8)
        for limit in [1, 3] {
            let error = try #require(throws: KubeAPIError.self) {
                try client.create(
                    "/api/v1/namespaces/ns/configmaps", body: body, maxAttempts: limit, deadline: TestSupport.soon)
            }
            #expect(error.code == 500 && error.attempts == limit)
        }
        #expect(harness.simulator.counters.faults["webhook"] == 4)
    }

    @Test("the 500s of a call are counted whatever ends it: two 500s, a 503, then dropped connections")
    func internalErrorAnswersSurviveALaterFault() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.internalError, verbs: ["get"], remaining: 2),
                FaultRule(.serviceUnavailable, retryAfterSeconds: 0, verbs: ["get"], remaining: 1),
                FaultRule(.drop, verbs: ["get"]),
            ]))
        let client = try harness.client {
            $0.rateLimit = .off
            $0.maxAttempts = 5
            $0.retryBaseDelay = .milliseconds(5)
            $0.retryMaxDelay = .milliseconds(10)
        }
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        }
        #expect(error.kind == .transport && error.code == 0 && error.attempts == 5)
        #expect(error.internalErrorAnswers == 2, "the two 500s, not the 503 or the dropped connections")
        // A call that ends on a 500 counts its 500s only, not the attempts that met other faults.
        harness.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.serviceUnavailable, retryAfterSeconds: 0, verbs: ["get"], remaining: 2),
                FaultRule(.internalError, verbs: ["get"]),
            ]))
        let last500 = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        }
        #expect(last500.code == 500 && last500.attempts == 5 && last500.internalErrorAnswers == 3)
    }

    @Test("429 Retry-After: 1 s is honoured: the retry reaches the server at least a second later")
    func retryAfterHonoured() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(
            FaultConfiguration(rules: [FaultRule(.tooManyRequests, retryAfterSeconds: 1, remaining: 1)]))
        let client = try harness.client()
        let response = try client.send(.init(method: "GET", path: "/api/v1/namespaces/ns"), deadline: TestSupport.soon)
        #expect(response.attempts == 2)
        let log = harness.simulator.requestLog.filter { $0.path == "/api/v1/namespaces/ns" }
        try #require(log.count == 2)
        #expect(log[0].status == 429 && log[1].status == 200)
        let first = try Timestamp(parsing: log[0].time).microsecondsSinceEpoch
        let second = try Timestamp(parsing: log[1].time).microsecondsSinceEpoch
        #expect(second - first >= 1_000_000, "gap \(second - first) µs")
        #expect(second - first < 5_000_000)
    }

    @Test("a Retry-After longer than the time left ends the call at once with the 429")
    func retryAfterBeyondDeadline() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(FaultConfiguration(rules: [FaultRule(.tooManyRequests, retryAfterSeconds: 30)]))
        let client = try harness.client()
        let started = KubeDeadline.now()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: .after(.seconds(3)))
        }
        #expect(error.kind == .tooManyRequests && error.code == 429 && error.attempts == 1 && error.isTransient)
        #expect(error.endedByDeadline, "the deadline, not the attempt limit, ended the call")
        #expect(started.advanced(by: .seconds(2)) > .now(), "it did not sleep towards the deadline")
    }

    @Test("a server that keeps failing: retries stop at the deadline and the last error is thrown")
    func retriesStopAtDeadline() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(FaultConfiguration(rules: [FaultRule(.serviceUnavailable)]))
        let client = try harness.client {
            // The retry loop alone: the adaptive rate limit slows a client that sees 503s (RateLimitStateTests),
            // which under AddressSanitizer pushed the last attempt into the deadline.
            $0.rateLimit = .off
            $0.maxAttempts = 1000
            $0.retryBaseDelay = .milliseconds(50)
            $0.retryMaxDelay = .milliseconds(100)
        }
        let started = KubeDeadline.now()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: .after(.milliseconds(800)))
        }
        #expect(error.kind == .serverError && error.code == 503 && error.reason == "ServiceUnavailable")
        #expect(error.attempts >= 2)
        #expect(error.attempts == harness.simulator.counters.faults["503"])
        #expect(error.endedByDeadline)
        #expect(started.advanced(by: .seconds(3)) > .now(), "bounded by the 0.8 s deadline, not by maxAttempts")
        #expect(client.statistics.failures == 1)
    }

    @Test("maxAttempts bounds the attempts when the deadline is far")
    func maxAttempts() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(FaultConfiguration(rules: [FaultRule(.internalError)]))
        let client = try harness.client { $0.maxAttempts = 3 }
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        }
        #expect(error.kind == .serverError && error.attempts == 3)
        #expect(!error.endedByDeadline, "the attempt limit ended it; a later call could go on")
        #expect(harness.simulator.counters.faults["500"] == 3)
        #expect(client.statistics.retries["500"] == 2)
    }

    @Test("slow responses time out per attempt, are retried, and the call ends as .timeout near its deadline")
    func attemptTimeouts() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(FaultConfiguration(latency: .seconds(3)))
        let client = try harness.client { $0.requestTimeout = .milliseconds(300) }
        let started = KubeDeadline.now()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: .after(.milliseconds(1200)))
        }
        #expect(error.kind == .timeout && error.reason == "CURLE_OPERATION_TIMEDOUT" && error.isTransient)
        #expect(error.attempts >= 2)
        #expect(client.statistics.retries["transport"] == error.attempts - 1)
        #expect(started.advanced(by: .seconds(3)) > .now())
    }

    @Test("a deadline already passed fails with .timeout before anything is sent")
    func deadlinePassed() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: .after(.zero))
        }
        #expect(error.kind == .timeout && error.attempts == 0)
        #expect(harness.simulator.counters.requests == 0)
    }

    @Test("a refused connection is retried until the deadline and reported as .transport")
    func connectionRefused() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        harness.simulator.stop()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: .after(.milliseconds(500)))
        }
        #expect(error.kind == .transport && error.reason == "CURLE_COULDNT_CONNECT" && error.isTransient)
        #expect(error.attempts >= 2)
    }

    @Test("client errors are not retried: 404, 409, 422 come back after one attempt")
    func clientErrorsNotRetried() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try client.create(
            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("c"), deadline: TestSupport.soon)
        let attempts = [
            { () throws -> Void in
                _ = try client.get("/api/v1/namespaces/ns/configmaps/missing", deadline: TestSupport.soon)
            },
            {
                _ = try client.create(
                    "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("c"), deadline: TestSupport.soon)
            },
            {
                _ = try client.create(
                    "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("Bad_Name"),
                    deadline: TestSupport.soon)
            },
        ]
        for call in attempts {
            let error = try #require(throws: KubeAPIError.self) { try call() }
            #expect(error.attempts == 1 && !error.isTransient, "\(error)")
        }
        #expect(client.statistics.totalRetries == 0)
    }

    @Test("a create that happened but answered 500 is retried and then reports AlreadyExists (documented)")
    func retriedCreateSeesAlreadyExists() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(
            FaultConfiguration(rules: [FaultRule(.internalError, verbs: ["create"], remaining: 1, afterExecution: true)]
            ))
        let client = try harness.client()
        let error = try #require(throws: KubeAPIError.self) {
            try client.create(
                "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("once"), deadline: TestSupport.soon)
        }
        #expect(error.kind == .alreadyExists && error.attempts == 2)
        #expect(harness.simulator.objects(namespace: "ns", kind: "ConfigMap").count == 1)
    }
}
