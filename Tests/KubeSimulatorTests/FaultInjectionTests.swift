import Events
import KubeSimulator
import Testing

@Suite("Fault injection, request log and counters")
struct FaultInjectionTests {
    @Test("429 at rate 1: every API request is refused with Retry-After; /_sim is exempt")
    func tooManyRequests() throws {
        let harness = try TestSupport.simulator {
            $0.faults = FaultConfiguration(rules: [FaultRule(.tooManyRequests, rate: 1, retryAfterSeconds: 3)])
        }
        let client = try harness.client()
        for path in ["/api", "/api/v1/namespaces/ns/pods", "/api/v1/namespaces/ns/configmaps/x"] {
            let response = try client.request("GET", path)
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "3")
            #expect(response.object.text("reason") == "TooManyRequests")
            #expect(response.object.value("details.retryAfterSeconds")?.numberValue?.int64Value == 3)
        }
        #expect(try harness.adminClient().request("GET", "/_sim/counters").status == 200)
        let counters = harness.simulator.counters
        #expect(counters.faults["429"] == 3)
        #expect(counters.byStatus[429] == 3)
        #expect(harness.simulator.requestLog.filter { $0.fault == "429" }.count == 3)
    }

    @Test("500, 503 and 504 with their Status reasons; rules target verbs and resources and can be counted")
    func serverErrors() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.internalError, verbs: ["create"], resources: ["pods"], remaining: 1),
                FaultRule(.serviceUnavailable, verbs: ["list"], remaining: 1),
                FaultRule(.gatewayTimeout, verbs: ["get"], resources: ["configmaps"], remaining: 1),
            ]))
        let client = try harness.client()
        let create = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("p"))
        #expect(create.status == 500)
        #expect(create.object.text("reason") == "InternalError")
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("p")).status == 201,
            "the rule fired once")
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/configmaps", json: TestSupport.configMap("c")).status
                == 201)
        let list = try client.request("GET", "/api/v1/namespaces/ns/pods")
        #expect(list.status == 503)
        #expect(list.object.text("reason") == "ServiceUnavailable")
        let get = try client.request("GET", "/api/v1/namespaces/ns/configmaps/c")
        #expect(get.status == 504)
        #expect(get.object.text("reason") == "Timeout")
        #expect(try client.request("GET", "/api/v1/namespaces/ns/configmaps/c").status == 200)
        #expect(harness.simulator.faults.rules.allSatisfy { $0.remaining == 0 })
        #expect(harness.simulator.objects(namespace: "ns", kind: "Pod").count == 1, "a faulted create has no effect")
    }

    @Test("latency: each request takes at least the configured delay")
    func latency() throws {
        let harness = try TestSupport.simulator {
            $0.faults = FaultConfiguration(latency: .milliseconds(120), jitter: .milliseconds(20))
        }
        let client = try harness.client()
        let clock = ContinuousClock()
        for attempt in 0..<3 {
            let start = clock.now
            do {
                #expect(try client.request("GET", "/api/v1/namespaces/ns").status == 200)
            } catch {
                // Say what the server saw, so a failure explains itself.
                let counters = harness.simulator.counters
                Issue.record(
                    """
                    request \(attempt) failed after \(clock.now - start): \(error); server: accepted \
                    \(counters.connectionsAccepted), handshake failures \(counters.handshakeFailures), open \
                    \(counters.connectionsOpen), log \(harness.simulator.requestLog.map { ($0.status, $0.durationMicroseconds, $0.fault ?? "-") })
                    """)
                return
            }
            let elapsed = clock.now - start
            #expect(elapsed >= .milliseconds(120))
            #expect(elapsed < .seconds(5))
        }
        #expect(harness.simulator.requestLog.allSatisfy { $0.durationMicroseconds >= 120_000 })
    }

    @Test("drop: the connection closes without a response; the log records status 0")
    func drop() throws {
        let harness = try TestSupport.simulator {
            $0.faults = FaultConfiguration(rules: [FaultRule(.drop, remaining: 1)])
        }
        let client = try harness.client()
        do {
            _ = try client.request("GET", "/api/v1/namespaces/ns")
            Issue.record("expected the connection to be dropped")
        } catch {
            #expect(error.code == .connectionClosed)
        }
        #expect(try client.request("GET", "/api/v1/namespaces/ns").status == 200, "the client reconnects")
        #expect(client.connectionsOpened == 2)
        #expect(harness.simulator.counters.faults["drop"] == 1)
        #expect(harness.simulator.requestLog.first?.status == 0)
    }

    @Test("the control endpoint toggles faults and serves the log and counters; it needs the admin token")
    func controlEndpoint() throws {
        let harness = try TestSupport.simulator()
        let admin = try harness.adminClient()
        let client = try harness.client()
        #expect(try client.request("GET", "/_sim/faults").status == 403)
        let set = try admin.request("PUT", "/_sim/faults", json: TestSupport.json(#"{"fault503":1,"latencyMs":0}"#))
        #expect(set.status == 200)
        #expect(try client.request("GET", "/api").status == 503)
        #expect(try admin.request("GET", "/_sim/faults").object.items("rules").first?.text("kind") == "503")
        #expect(try admin.request("DELETE", "/_sim/faults").status == 200)
        #expect(try client.request("GET", "/api").status == 200)

        let log = try admin.request("GET", "/_sim/requests")
        let entries = log.object.items()
        #expect(
            entries.contains {
                $0.text("path") == "/api" && $0.value("status")?.numberValue?.int64Value == 503
                    && $0.text("fault") == "503"
            })
        #expect(entries.allSatisfy { $0.text("time")?.hasSuffix("Z") == true && $0.text("method") != nil })
        let counters = try admin.request("GET", "/_sim/counters").object
        #expect(counters.value("faults.503")?.numberValue?.int64Value == 1)
        #expect(counters.value("objects.namespaces")?.numberValue?.int64Value == 1)
        #expect(try admin.request("POST", "/_sim/reset").status == 200)
        #expect(harness.simulator.counters.requests == 1, "only the reset request itself, logged after it ran")
        #expect(try admin.request("PUT", "/_sim/faults", json: TestSupport.json(#"{"fault429":2}"#)).status == 400)
    }

    @Test("afterExecution: the create happens, the client sees 500 or a dropped connection, and a retry gets 409")
    func afterExecution() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.internalError, verbs: ["create"], remaining: 1, afterExecution: true),
                FaultRule(.drop, verbs: ["delete"], remaining: 1, afterExecution: true),
            ]))
        let client = try harness.client()
        #expect(try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("p")).status == 500)
        #expect(harness.simulator.object(namespace: "ns", kind: "Pod", name: "p") != nil)
        let retry = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("p"))
        #expect(retry.status == 409)
        #expect(retry.object.text("reason") == "AlreadyExists")
        #expect(throws: SimulatorError.self) { try client.request("DELETE", "/api/v1/namespaces/ns/pods/p") }
        #expect(harness.simulator.object(namespace: "ns", kind: "Pod", name: "p") == nil)
    }

    @Test("a seed makes the fault sequence reproducible")
    func seeded() throws {
        func statuses() throws -> [Int] {
            let harness = try TestSupport.simulator {
                $0.faults = FaultConfiguration(rules: [FaultRule(.internalError, rate: 0.5)], seed: 42)
            }
            let client = try harness.client()
            return try (0..<40).map { _ in try client.request("GET", "/api/v1/namespaces/ns").status }
        }
        let first = try statuses()
        #expect(first == (try statuses()))
        #expect(first.contains(500) && first.contains(200))
    }
}
