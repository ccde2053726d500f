import Glibc
import Testing

extension Integration {
    /// `/healthz` and `/readyz` of the real supervisor stay answered whatever other clients of its HTTP endpoint
    /// do (README, "HTTP endpoint"): slow clients, and one address opening many connections.
    @Suite struct ProbeStarvation {
        /// A slowloris client: sends a request head that never ends, one byte per call of ``trickle(_:)``, and
        /// connects again whenever the server has closed it.
        final class SlowClient {
            /// A header value that grows by a byte per send, well under the 8 KiB head limit in any test run.
            static let head = Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8)
            let source: String
            private var fd: Int32?
            private var sent = 0
            private(set) var connects = 0

            init(source: String) { self.source = source }

            func trickle(_ port: UInt16) {
                if let open = fd, !HTTPProbe.isHeld(open) { close() }
                if fd == nil {
                    fd = HTTPProbe.connect(port, from: source)
                    sent = 0
                    connects += 1
                }
                guard let open = fd else { return }
                let byte = sent < Self.head.count ? Self.head[sent] : UInt8(ascii: "a")
                if HTTPProbe.send(open, [byte]) { sent += 1 } else { close() }
            }

            func close() {
                if let open = fd { Glibc.close(open) }
                fd = nil
            }
        }

        @Test(
            "64 clients trickling request heads a byte at a time: every /healthz and /readyz probe is answered 200 within 2 s"
        )
        func slowClientsCannotStarveProbes() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start()
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")
            #expect(
                TestSupport.eventually(within: 15) { HTTPProbe.get(port, "/readyz")?.status == 200 },
                "log: \(supervisor.log().suffix(2000))")

            // Half of them share the probes' address, the others come from 16 more (two each).
            let clients = (0..<64).map { SlowClient(source: $0 < 32 ? "127.0.0.1" : "127.0.0.\(2 + $0 % 16)") }
            defer { clients.forEach { $0.close() } }
            var failures: [String] = []
            var probes = 0
            var rounds = 0
            // Longer than the 5 s head timeout, so the attack outlasts one turnover of the slots.
            let end = TestSupport.monotonicSeconds() + 7
            while TestSupport.monotonicSeconds() < end, rounds < 150 {
                rounds += 1
                for client in clients { client.trickle(port) }
                for path in ["/healthz", "/readyz"] {
                    probes += 1
                    let started = TestSupport.monotonicSeconds()
                    let response = HTTPProbe.get(port, path, within: 2)
                    let took = TestSupport.monotonicSeconds() - started
                    if response?.status != 200 || took >= 2 {
                        failures.append(
                            "\(path) in round \(rounds): \(response.map { "\($0.status) \($0.body)" } ?? "no answer") after \(took) s"
                        )
                    }
                }
                TestSupport.sleep(milliseconds: 100)  // the slow clients' pace: a byte each per round
            }
            #expect(probes >= 20, "\(rounds) rounds")
            #expect(failures.isEmpty, "\(failures.count) of \(probes) probes failed, first: \(failures.prefix(3))")

            // The attack was real: the slow clients filled the server and were pushed out, again and again.
            let metrics = try MetricsEndpoint.scrape(port)
            #expect((metrics.value("k8s_worker_http_connections_cut_total", ["reason": "server_full"]) ?? 0) > 0)
            #expect((metrics.value("k8s_worker_http_connections_cut_total", ["reason": "peer_limit"]) ?? 0) > 0)
            #expect(clients.map(\.connects).reduce(0, +) > 64 * 2)

            clients.forEach { $0.close() }
            #expect(HTTPProbe.get(port, "/readyz")?.status == 200)
            #expect(TestSupport.isAlive(supervisor.pid))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test("one address holds at most 4 connections: its fifth and later push out its own oldest, nobody else's")
        func onePeerCannotTakeEverySlot() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start()
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")
            #expect(TestSupport.eventually(within: 15) { HTTPProbe.get(port, "/healthz")?.status == 200 })

            // Another peer's idle connections, older than everything the greedy peer opens.
            let others = try (0..<4).map { _ in try #require(HTTPProbe.connect(port, from: "127.0.0.3")) }
            defer { others.forEach { close($0) } }
            let greedy = try (0..<16).map { _ in try #require(HTTPProbe.connect(port, from: "127.0.0.2")) }
            defer { greedy.forEach { close($0) } }
            // Connections are accepted in order: once this is answered, the server has decided on all of the above.
            #expect(HTTPProbe.get(port, "/healthz", within: 2)?.status == 200)

            for (index, fd) in greedy.enumerated() {
                if index < 12 {
                    #expect(
                        HTTPProbe.readToEnd(fd, within: 2) == [], "greedy connection \(index) closed without an answer")
                } else {
                    #expect(HTTPProbe.isHeld(fd), "greedy connection \(index) still held")
                }
            }
            #expect(others.allSatisfy(HTTPProbe.isHeld), "the other peer's connections are untouched")

            let metrics = try MetricsEndpoint.scrape(port)
            #expect(metrics.value("k8s_worker_http_connections_cut_total", ["reason": "peer_limit"]) == 12)
            #expect(metrics.value("k8s_worker_http_connections_cut_total", ["reason": "server_full"]) == 0)
            #expect(metrics.value("k8s_worker_http_connections_refused_total") == 0)
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}
