import Events
import KubeSimulator
import Platform
import TestKit
import Testing

@Suite("Load")
struct LoadTests {
    @Test("4 threads × 500 keep-alive requests complete, stay consistent, and report the rate")
    func keepAliveLoad() throws {
        let harness = try TestSupport.simulator()
        let simulator = harness.simulator
        let threads = 4
        let perThread = 500
        let failures = Locked<[String]>([])
        let connections = Locked(0)
        let clock = ContinuousClock()
        let start = clock.now
        TestThreads.run(count: threads) { thread in
            do {
                let client = try SimulatorClient(simulator: simulator)
                for index in 0..<perThread {
                    let name = "load-\(thread)-\(index)"
                    let response: SimulatorClient.Response
                    switch index % 4 {
                    case 0, 1:
                        response = try client.request(
                            "POST", "/api/v1/namespaces/ns/configmaps",
                            json: TestSupport.configMap(name, labels: ["thread": String(thread)]))
                    case 2:
                        response = try client.request(
                            "GET", "/api/v1/namespaces/ns/configmaps/load-\(thread)-\(index - 1)")
                    default:
                        response = try client.request(
                            "DELETE", "/api/v1/namespaces/ns/configmaps/load-\(thread)-\(index - 3)")
                    }
                    if response.status >= 300 {
                        failures.withLock { $0.append("\(name): \(response.status) \(response.text)") }
                    }
                }
                connections.withLock { $0 += client.connectionsOpened }
            } catch {
                failures.withLock { $0.append("thread \(thread): \(error)") }
            }
        }
        let elapsed = clock.now - start
        let total = threads * perThread
        let rate = Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print("load: \(total) requests over \(threads) keep-alive connections in \(elapsed) = \(Int(rate)) requests/s")

        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { Array($0.prefix(5)) })")
        #expect(connections.withLock { $0 } == threads, "one keep-alive connection per thread")
        #expect(elapsed < .seconds(60))
        let remaining = simulator.objects(namespace: "ns", kind: "ConfigMap")
        #expect(remaining.count == threads * perThread / 4, "every thread leaves the second of each pair of creates")
        for thread in 0..<threads {
            #expect(remaining.filter { $0.text("metadata.labels.thread") == String(thread) }.count == perThread / 4)
        }
        let versions = Set(remaining.compactMap { $0.text("metadata.resourceVersion") })
        #expect(versions.count == remaining.count, "resource versions are unique")
        #expect(simulator.counters.requests == total)
    }

    @Test("128 concurrent keep-alive connections (4 threads × 32 clients) interleave requests without errors")
    func manyConnections() throws {
        let harness = try TestSupport.simulator()
        let simulator = harness.simulator
        let failures = Locked<[String]>([])
        let clock = ContinuousClock()
        let start = clock.now
        TestThreads.run(count: 4) { thread in
            do {
                let clients = try (0..<32).map { _ in try SimulatorClient(simulator: simulator) }
                for round in 0..<10 {
                    for (index, client) in clients.enumerated() {
                        let response =
                            round == 0
                            ? try client.request(
                                "POST", "/api/v1/namespaces/ns/configmaps",
                                json: TestSupport.configMap("c-\(thread)-\(index)"))
                            : try client.request("GET", "/api/v1/namespaces/ns/configmaps/c-\(thread)-\(index)")
                        if response.status >= 300 {
                            failures.withLock { $0.append("\(thread)/\(index): \(response.status)") }
                        }
                    }
                }
                if clients.contains(where: { $0.connectionsOpened != 1 }) {
                    failures.withLock { $0.append("thread \(thread) reconnected") }
                }
            } catch {
                failures.withLock { $0.append("thread \(thread): \(error)") }
            }
        }
        let elapsed = clock.now - start
        print("load: 1280 requests over 128 concurrent keep-alive connections (incl. 128 TLS handshakes) in \(elapsed)")
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { Array($0.prefix(5)) })")
        #expect(simulator.objects(namespace: "ns", kind: "ConfigMap").count == 128)
        #expect(simulator.counters.connectionsAccepted == 128)
        #expect(simulator.counters.handshakeFailures == 0)
    }
}
