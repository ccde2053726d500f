import Events
import Glibc
import KubeSimulator
import Platform
import TestKit
import Testing

@testable import KubeClient

/// The production transport, HTTP/2 over TLS, through Debian's nghttpx in front of the simulator (which speaks
/// HTTP/1.1 only). nghttpx is required: `.ci/run` installs it (scripts/setup.sh), and a missing one fails here.
@Suite("HTTP/2 through nghttpx")
struct HTTP2Tests {
    /// A simulator (with `configure` applied), nghttpx in front of it, and a client on the proxy's kubeconfig.
    private static func setUp(
        log: LogRecorder? = nil, _ configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) throws -> (SimulatorHarness, HTTP2Proxy, KubeClient) {
        let harness = try TestSupport.simulator(configure)
        let proxy = try HTTP2Proxy(simulator: harness.simulator)
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: proxy.kubeconfigPath, context: nil)), logger: log?.logger)
        return (harness, proxy, client)
    }

    @Test("8 threads × 25 calls of one client: h2 negotiated, every call a stream of ONE connection")
    func multiplexedOnOneConnection() throws {
        // 20 ms per request keeps the threads' calls overlapping.
        let (harness, proxy, client) = try Self.setUp { $0.faults = FaultConfiguration(latency: .milliseconds(20)) }
        defer { proxy.stop() }
        let failures = Locked<[String]>([])
        TestThreads.run(count: 8) { thread in
            for call in 0..<25 {
                do {
                    if call % 5 == 0 {
                        _ = try client.create(
                            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("h2-\(thread)-\(call)"),
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
        let statistics = client.statistics
        #expect(statistics.requests == 200 && statistics.attempts == 200 && statistics.failures == 0)
        #expect(statistics.http2Responses == 200, "every response came over HTTP/2")
        #expect(statistics.connectionsOpened == 1, "one client connection for all 8 threads")
        #expect(harness.simulator.objects(namespace: "ns", kind: "ConfigMap").count == 40)
        let log = proxy.accessLog()
        #expect(log.count == 200)
        #expect(Set(log.map(\.alpn)) == ["h2"])
        #expect(Set(log.map(\.clientPort)).count == 1, "nghttpx saw one client connection")
        // nghttpx opens a backend (HTTP/1.1) connection per request in flight: more than one means the streams of
        // that one client connection really were concurrent.
        #expect(harness.simulator.counters.connectionsAccepted > 1)
    }

    @Test("the same load straight to the simulator stays HTTP/1.1: one connection per call in flight, no HTTP/2")
    func http11Unchanged() throws {
        let harness = try TestSupport.simulator { $0.faults = FaultConfiguration(latency: .milliseconds(20)) }
        let client = try harness.client()
        TestThreads.run(count: 8) { _ in
            for _ in 0..<10 { _ = try? client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon) }
        }
        #expect(client.statistics.failures == 0 && client.statistics.attempts == 80)
        #expect(client.statistics.http2Responses == 0)
        #expect(client.statistics.connectionsOpened > 1 && client.statistics.connectionsOpened <= 8)
        #expect(harness.simulator.counters.connectionsAccepted == client.statistics.connectionsOpened)
    }

    @Test("GOAWAY (nghttpx reload): streams in flight finish, later calls open one new connection, nothing fails")
    func goawayMidRun() throws {
        let (harness, proxy, client) = try Self.setUp { $0.faults = FaultConfiguration(latency: .milliseconds(800)) }
        defer { proxy.stop() }
        _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        #expect(client.statistics.connectionsOpened == 1)

        let failures = Locked<[String]>([])
        let inFlight = (0..<8).compactMap { index in
            try? PlatformThread.start {
                do {
                    _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
                } catch {
                    failures.withLock { $0.append("in flight \(index): \(error)") }
                }
            }
        }
        try #require(inFlight.count == 8)
        // Every call holds a backend connection of its own for 800 ms: 8 accepted means all 8 are at the simulator.
        let allAtSimulator = TestSupport.eventually { harness.simulator.counters.connectionsAccepted >= 8 }
        proxy.reload()
        for thread in inFlight { thread.join() }
        #expect(allAtSimulator)
        // The old worker process sent GOAWAY and exits once its streams are done; the next calls go to the new one.
        for _ in 0..<5 {
            do {
                _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
            } catch {
                failures.withLock { $0.append("after: \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let statistics = client.statistics
        #expect(statistics.failures == 0 && statistics.requests == 14)
        #expect(statistics.http2Responses == statistics.attempts)
        #expect(statistics.connectionsOpened == 2, "the GOAWAY'd connection and one new one")
        let log = proxy.accessLog()
        #expect(Set(log.map(\.clientPort)).count == 2)
        #expect(log.allSatisfy { $0.status == 200 && $0.alpn == "h2" })
        #expect(log.count == statistics.attempts)
    }

    @Test("a reset stream (the simulator cuts a response short; nghttpx resets the stream) is retried")
    func resetStreamRetried() throws {
        let log = LogRecorder()
        let (harness, proxy, client) = try Self.setUp(log: log) {
            $0.faults = FaultConfiguration(rules: [
                FaultRule(.truncate, verbs: ["get"], remaining: 2, afterExecution: true)
            ])
        }
        defer { proxy.stop() }
        let response = try client.send(.init(method: "GET", path: "/api/v1/namespaces/ns"), deadline: TestSupport.soon)
        #expect(response.status == 200 && response.attempts == 3)
        #expect(client.statistics.retries == ["transport": 2])
        #expect(client.statistics.failures == 0)
        // A reset stream counts when its 200 head reached libcurl before the reset (timing), the answer always.
        #expect((1...3).contains(client.statistics.http2Responses), "\(client.statistics)")
        let retried = log.all.map(\.1).filter { $0.contains("retry") }
        #expect(retried.count == 2 && retried.allSatisfy { $0.contains("CURLE_HTTP2_STREAM") }, "\(retried)")
        #expect(proxy.accessLog().map(\.status) == [200, 200, 200], "nghttpx had sent the 200 head of all three")
        #expect(harness.simulator.counters.faults["truncate"] == 2)
        // The two reset streams and the answer all went over the one connection.
        #expect(client.statistics.connectionsOpened == 1)
    }

    @Test("a dropped backend connection (nghttpx answers 502) is retried; a lost create comes back as 409")
    func badGatewayRetried() throws {
        let (harness, proxy, client) = try Self.setUp {
            $0.faults = FaultConfiguration(rules: [
                FaultRule(.drop, verbs: ["get"], remaining: 1),
                FaultRule(.drop, verbs: ["create"], resources: ["configmaps"], remaining: 1, afterExecution: true),
            ])
        }
        defer { proxy.stop() }
        let response = try client.send(.init(method: "GET", path: "/api/v1/namespaces/ns"), deadline: TestSupport.soon)
        #expect(response.status == 200 && response.attempts == 2)
        #expect(client.statistics.retries == ["502": 1])
        #expect(proxy.accessLog().map(\.status) == [502, 200])

        // The create ran, its answer was lost: the retry meets the object (409 AlreadyExists), which callers
        // creating deterministic names check to be theirs (KubeExecution's adoption), exactly as over HTTP/1.1.
        let error = try #require(throws: KubeAPIError.self) {
            try client.create(
                "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("lost"), deadline: TestSupport.soon)
        }
        #expect(error.kind == .alreadyExists && error.code == 409 && error.attempts == 2)
        #expect(harness.simulator.objects(namespace: "ns", kind: "ConfigMap").count == 1)
        #expect(client.statistics.connectionsOpened == 1)
    }
}
