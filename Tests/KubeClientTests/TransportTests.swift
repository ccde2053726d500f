import Events
import Glibc
import KubeSimulator
import Platform
import TestKit
import Testing

@testable import KubeClient

/// Connections, concurrency, the client-side rate limit and the response size cap.
@Suite("Transport")
struct TransportTests {
    @Test("twenty sequential calls share one kept-alive connection")
    func connectionReuse() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        for index in 0..<20 {
            if index % 2 == 0 {
                _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
            } else {
                _ = try client.create(
                    "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("c\(index)"),
                    deadline: TestSupport.soon)
            }
        }
        #expect(client.statistics.connectionsOpened == 1)
        #expect(client.statistics.http2Responses == 0, "the simulator speaks HTTP/1.1")
        #expect(client.statistics.requests == 20 && client.statistics.attempts == 20)
        #expect(harness.simulator.counters.connectionsAccepted == 1)
        #expect(harness.simulator.counters.requests == 20)
    }

    @Test("8 threads × 50 calls in parallel all succeed, on at most one connection per thread")
    func concurrency() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let failures = Locked<[String]>([])
        TestThreads.run(count: 8) { thread in
            for call in 0..<50 {
                do {
                    if call % 10 == 0 {
                        _ = try client.create(
                            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("t\(thread)-\(call)"),
                            deadline: TestSupport.soon)
                    } else {
                        _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
                    }
                } catch {
                    failures.withLock { $0.append("\(thread)/\(call): \(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(client.statistics.requests == 400 && client.statistics.failures == 0)
        #expect(harness.simulator.objects(namespace: "ns", kind: "ConfigMap").count == 40)
        #expect(client.statistics.connectionsOpened <= 8)
        #expect(harness.simulator.counters.connectionsAccepted <= 8)
    }

    @Test("rate limit over the wire: the burst does not wait; fifteen calls at 20/s with burst 5 take ≥ 0.5 s")
    func rateLimit() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client {
            $0.qps = 20
            $0.burst = 5
        }
        let started = KubeDeadline.now()
        for _ in 0..<5 { _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon) }
        #expect(client.statistics.throttledAttempts == 0, "the burst did not wait")
        for _ in 0..<10 { _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon) }
        // 15 tokens from a full bucket of 5 refilling at 20/s: the 15th cannot go before 0.5 s, however fast or
        // slow the requests themselves are.
        #expect(started.advanced(by: .milliseconds(490)).hasPassed, "15 calls took under 0.49 s")
        #expect(started.advanced(by: .seconds(10)) > .now())
        let log = harness.simulator.requestLog.filter { $0.path == "/api/v1/namespaces/ns" }
        #expect(log.count == 15)
    }

    @Test("rate limiter: recorded grant times show a free burst, then one grant per 1/qps, in order")
    func rateLimiterSpacing() throws {
        let limiter = RateLimiter(mode: .fixed, qps: 50, burst: 4)
        let started = Monotonic.nanoseconds()
        var grants: [UInt64] = []
        var waits: [Duration] = []
        for _ in 0..<14 {
            waits.append(try limiter.acquire(deadline: .after(.seconds(10)), attempts: 0))
            grants.append(Monotonic.nanoseconds() - started)
        }
        #expect(waits.prefix(4).allSatisfy { $0 == .zero }, "the burst is free")
        #expect(waits[4] > .zero, "the fifth waits: the bucket is empty")
        #expect(grants == grants.sorted())
        // Ten grants after the burst at 50/s: the last one no earlier than 10 × 20 ms after the start.
        #expect(grants[13] >= 199_000_000, "\(grants[13]) ns")
        #expect(grants[13] < 5_000_000_000)
        #expect(grants[3] < 150_000_000, "the burst did not wait (\(grants[3]) ns)")
    }

    @Test("rate limit: a wait that would pass the deadline fails at once as .timeout")
    func rateLimitDeadline() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client {
            $0.qps = 0.5
            $0.burst = 1
        }
        _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        let started = KubeDeadline.now()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: .after(.milliseconds(500)))
        }
        #expect(error.kind == .timeout && error.attempts == 0 && error.reason == "DeadlineExceeded")
        #expect(started.advanced(by: .milliseconds(400)) > .now(), "it did not wait")
        #expect(harness.simulator.counters.requests == 1)
    }

    @Test("a response body over the cap fails the call without retrying")
    func responseCap() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client { $0.maxResponseBytes = 4096 }
        _ = try harness.client().create(
            "/api/v1/namespaces/ns/configmaps",
            body: TestSupport.configMap("big", data: ["blob": String(repeating: "x", count: 8192)]),
            deadline: TestSupport.soon)
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns/configmaps/big", deadline: TestSupport.soon)
        }
        #expect(error.kind == .unexpected && error.reason == "ResponseTooLarge" && error.attempts == 1)
        #expect(try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon).text("kind") == "Namespace")
    }

    @Test("a malformed path is refused before anything is sent")
    func malformedPath() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns?watch=1", deadline: TestSupport.soon)
        }
        #expect(error.kind == .badRequest && error.code == 0 && error.attempts == 0)
        #expect(harness.simulator.counters.requests == 0)
    }

    @Test("query parameters arrive encoded; PUT through send returns the status, headers and body")
    func rawSend() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try client.create(
            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("q"), deadline: TestSupport.soon)
        let list = try client.get(
            "/api/v1/namespaces/ns/configmaps", query: [("fieldSelector", "metadata.name=q"), ("limit", "10")],
            deadline: TestSupport.soon)
        #expect(list.at("items")?.arrayValue?.count == 1)
        #expect(harness.simulator.requestLog.last?.path.contains("fieldSelector=metadata.name%3Dq") == true)

        let current = try client.get("/api/v1/namespaces/ns/configmaps/q", deadline: TestSupport.soon)
        var object = try #require(current.objectValue)
        object.set("data", .object(JSONObject(pairs: ["k": .string("replaced")])))
        let put = try client.send(
            .init(
                method: "PUT", path: "/api/v1/namespaces/ns/configmaps/q", body: JSONWriter.encode(.object(object)),
                contentType: "application/json"),
            deadline: TestSupport.soon)
        #expect(put.status == 200)
        #expect(put.header("content-type")?.hasPrefix("application/json") == true)
        #expect(try JSONParser().parse(put.body).text("data.k") == "replaced")
    }

    @Test("retry and warning log lines never contain the token")
    func logsHaveNoSecrets() throws {
        let harness = try TestSupport.simulator()
        harness.simulator.setFaults(FaultConfiguration(rules: [FaultRule(.serviceUnavailable, remaining: 2)]))
        let log = LogRecorder()
        let client = try harness.client(log: log)
        _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        #expect(log.all.contains { $0.0 == .debug && $0.1.contains("retry") })
        #expect(log.all.allSatisfy { !$0.1.contains(harness.simulator.token) })
    }
}
