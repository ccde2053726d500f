import Glibc
import KubeSimulator
import Testing

extension Integration {
    /// The real supervisor's HTTP endpoint: `/metrics` scraped over loopback and parsed, its values checked
    /// against what happened; `/readyz` following the pool and the drain; `/healthz`; hostile clients.
    @Suite struct MetricsEndpoint {
        /// `/metrics`, parsed strictly.
        static func scrape(_ port: UInt16) throws -> Exposition {
            let response = try #require(HTTPProbe.get(port, "/metrics"))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            return try Exposition(response.body)
        }

        /// A worker executable that waits for `gate` to exist before becoming the real worker.
        static func gatedWorker(in directory: String) -> (script: String, gate: String) {
            let gate = directory + "/go"
            let script = directory + "/gated-worker.sh"
            TestSupport.write(
                "#!/bin/sh\nwhile [ ! -e \(gate) ]; do sleep 0.02; done\nexec \(TestSupport.workerBinary) \"$@\"\n",
                to: script)
            chmod(script, 0o755)
            return (script, gate)
        }

        static func logLines(_ supervisor: SupervisorProcess, containing parts: [String]) -> [Substring] {
            supervisor.log().split(separator: "\n").filter { line in parts.allSatisfy { line.contains($0) } }
        }

        @Test(
            "/readyz is 503 until the minimum pool is ready, then 200, and 503 while draining; /metrics counts what happened"
        )
        func readinessAndCounts() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let (script, gate) = Self.gatedWorker(in: directory)
            let commands =
                (0..<20).map { "k\($0)\tnoop" } + [
                    "f1\tfail one", "f2\tfail two", "f3\tfail three", "t1\ttransient 1", "t2\ttransient 1",
                ]
            let supervisor = SupervisorProcess(
                config: Integration.config(workers: 3, minReady: 3, executable: script), commands: commands)
            supervisor.start()
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")

            // The workers wait at the gate: the loop answers, the service is not ready, nothing ran.
            #expect(HTTPProbe.get(port, "/healthz")?.status == 200)
            #expect(HTTPProbe.get(port, "/healthz")?.body == "ok\n")
            let early = try #require(HTTPProbe.get(port, "/readyz"))
            #expect(
                early.status == 503 && early.body == "not ready: 0 of the 3 workers needed are ready\n", "\(early.body)"
            )
            let before = try Self.scrape(port)
            #expect(before.value("k8s_worker_ready") == 0)
            #expect(before.value("k8s_worker_workers_ready") == 0)
            #expect(before.value("k8s_worker_workers_target") == 3)
            #expect(before.value("k8s_worker_commands_done_total") == 0)

            TestSupport.write("", to: gate)
            #expect(
                TestSupport.eventually(within: 15) { HTTPProbe.get(port, "/readyz")?.status == 200 },
                "log: \(supervisor.log().suffix(2000))")
            #expect(HTTPProbe.get(port, "/readyz")?.body == "ready\n")
            #expect(TestSupport.eventually(within: 20) { supervisor.journal().count == commands.count })

            let after = try Self.scrape(port)
            #expect(after.value("k8s_worker_ready") == 1)
            #expect(after.value("k8s_worker_workers_ready") == 3)
            #expect(after.value("k8s_worker_worker_processes") == 3)
            #expect(
                after.value("k8s_worker_commands_done_total") == 22, "20 noops and 2 commands done on their second try")
            #expect(after.value("k8s_worker_commands_failed_total") == 3)
            #expect(after.value("k8s_worker_commands_deferred_total") == 2)
            #expect(after.value("k8s_worker_commands_quarantined_total") == 0)
            #expect(after.value("k8s_worker_commands_in_flight") == 0)
            #expect(after.value("k8s_worker_commands_queued") == 0)
            #expect(after.value("k8s_worker_worker_restarts_total") == 0)
            #expect(after.value("pod_creations_active") == 0)
            #expect(after.types["pod_creation_duration_seconds"] == "histogram")
            #expect(after.types["k8s_worker_commands_done_total"] == "counter")
            let build = after.samples(named: "k8s_worker_build_info")
            #expect(build.count == 1 && build.first?.value == 1 && build.first?.labels["version"]?.isEmpty == false)
            let started = try #require(after.value("process_start_time_seconds"))
            #expect(abs(started - Double(time(nil))) < 120)

            // Log lines about a command name it, its origin and its worker.
            let failed = Self.logLines(supervisor, containing: ["\"msg\":\"command failed\"", "\"key\":\"f1\""])
            #expect(failed.count == 1)
            for field in [
                "\"partition\":\"0\"", "\"offset\":\"20\"", "\"worker.id\":\"w", "\"command.id\":\"c",
                "\"reason\":\"one\"",
            ] {
                #expect(failed.first?.contains(field) == true, "\(field) in \(failed)")
            }

            // Draining: not ready, still alive.
            supervisor.append(commands: ["slow\tsleep 3000"])
            #expect(
                TestSupport.eventually(within: 10) {
                    (try? Self.scrape(port))?.value("k8s_worker_commands_in_flight") == 1
                })
            supervisor.signal(SIGTERM)
            #expect(
                TestSupport.eventually(within: 2) {
                    let response = HTTPProbe.get(port, "/readyz")
                    return response?.status == 503 && response?.body == "not ready: shutting down\n"
                })
            #expect(HTTPProbe.get(port, "/healthz")?.status == 200)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test(
            "garbage, wrong methods, oversized and trickled requests and a connection flood change nothing for the service"
        )
        func badClientsChangeNothing() throws {
            let supervisor = SupervisorProcess(
                config: Integration.config(workers: 2), commands: (0..<10).map { "a\($0)\tnoop" })
            supervisor.start()
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")
            #expect(TestSupport.eventually(within: 15) { supervisor.journal().count == 10 })

            let requests: [(String, Int)] = [
                ("\u{16}\u{03}\u{01}\u{02}\u{00}garbage", 400),
                ("GET /metrics HTTP/1.1\r\nBroken header\r\n\r\n", 400),
                ("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 405),
                ("GET /nope HTTP/1.1\r\n\r\n", 404),
                ("GET /metrics HTTP/1.1\r\nX-Padding: \(String(repeating: "a", count: 20_000))\r\n\r\n", 431),
                ("GET /metrics HTTP/2.0\r\n\r\n", 505),
            ]
            for (request, status) in requests {
                #expect(
                    HTTPProbe.exchange(port, Array(request.utf8))?.status == status,
                    "\(request.prefix(40).debugDescription)")
            }
            let head = try #require(HTTPProbe.get(port, "/metrics", method: "HEAD"))
            #expect(head.status == 200 && head.body.isEmpty)

            // Half a request, then silence: others are answered at once; it is cut off after the request timeout.
            // It comes from its own address: the exchanges above may still linger in 127.0.0.1's four slots, and a
            // fifth connection from there would evict this one (the oldest without a head) by design.
            let trickler = try #require(HTTPProbe.connect(port, from: "127.0.0.2"))
            defer { close(trickler) }
            #expect(HTTPProbe.send(trickler, Array("GET /metrics HTTP/1.1\r\nHost: x\r\n".utf8)))
            let started = TestSupport.monotonicSeconds()
            #expect(HTTPProbe.get(port, "/healthz")?.status == 200)
            #expect(TestSupport.monotonicSeconds() - started < 2)
            let cutOff = HTTPProbe.readToEnd(trickler, within: 10)
            let waited = TestSupport.monotonicSeconds() - started
            #expect(cutOff == [], "closed without an answer")
            #expect(waited > 4 && waited < 9, "cut off after about 5 s, took \(waited)")

            // A flood of idle connections from 16 addresses takes every slot: a newcomer is still answered at once,
            // in the slot of the oldest idle connection.
            var idle: [Int32] = []
            defer { idle.forEach { close($0) } }
            for index in 0..<16 { idle.append(try #require(HTTPProbe.connect(port, from: "127.0.0.\(10 + index)"))) }
            let flooded = TestSupport.monotonicSeconds()
            #expect(HTTPProbe.get(port, "/healthz")?.status == 200)
            #expect(TestSupport.monotonicSeconds() - flooded < 2)
            #expect(
                HTTPProbe.readToEnd(idle[0], within: 2) == [], "the oldest idle connection closed without an answer")
            #expect(idle.dropFirst().allSatisfy(HTTPProbe.isHeld))
            idle.forEach { close($0) }
            idle = []
            let cuts = try Self.scrape(port)
            #expect((cuts.value("k8s_worker_http_connections_cut_total", ["reason": "server_full"]) ?? 0) >= 1)
            #expect(
                cuts.value("k8s_worker_http_connections_cut_total", ["reason": "head_timeout"]) == 1, "the half request"
            )
            #expect(cuts.value("k8s_worker_http_connections_refused_total") == 0)

            // The service carried on: alive, ready, taking work.
            supervisor.append(commands: (10..<15).map { "a\($0)\tnoop" })
            #expect(TestSupport.eventually(within: 10) { supervisor.journal().count == 15 })
            #expect(try Self.scrape(port).value("k8s_worker_commands_done_total") == 15)
            #expect(HTTPProbe.get(port, "/readyz")?.status == 200)
            #expect(TestSupport.isAlive(supervisor.pid))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test(
            "with the Kubernetes handler: upstream's pod and ConfigMap metrics and the API retries the workers report")
        func kubernetesMetrics() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            // Three 503s on Pod creates: each is retried by a worker's client.
            let faults = FaultConfiguration(rules: [
                FaultRule(.serviceUnavailable, verbs: ["create"], resources: ["pods"], remaining: 3)
            ])
            let simulator = try KubernetesFlow.simulator(directory, faults: faults)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let ids = (300..<312).map(executionID)
            let lines = ids.map { "\($0)\t" + createTemplate.replacing("EXEC", with: $0) }
            let supervisor = SupervisorProcess(config: KubernetesFlow.kubernetesConfig(simulator), commands: lines)
            supervisor.start()
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")
            #expect(
                TestSupport.eventually(within: 60) { supervisor.journal().count == ids.count },
                "log: \(supervisor.log().suffix(2000))")
            #expect(supervisor.journal().allSatisfy { $0.outcome == "created" })

            // Workers report after a heartbeat: wait for their counters to arrive.
            var metrics: Exposition?
            let python = ["status": "success", "language": "python"]
            #expect(
                TestSupport.eventually(within: 10) {
                    metrics = try? Self.scrape(port)
                    return metrics?.value("pod_creations_total", python) == 12
                        && metrics?.value("k8s_worker_kubernetes_api_retries_total", ["code": "503"]) == 3
                },
                "\(metrics?.samples.filter { $0.name.hasPrefix("pod_") || $0.name.contains("kubernetes") }.map { "\($0.name)\($0.labels) \($0.value)" } ?? [])"
            )
            #expect(metrics?.samples(named: "pod_creations_total").count == 1, "no failures, one language")
            #expect(metrics?.value("configmaps_created_total", ["status": "success"]) == 12)
            #expect(metrics?.value("pod_creation_duration_seconds_count", ["language": "python"]) == 12)
            #expect(metrics?.value("pod_creation_duration_seconds_bucket", ["language": "python", "le": "+Inf"]) == 12)
            #expect(metrics?.value("pod_creations_active") == 0)
            #expect((metrics?.value("k8s_worker_kubernetes_api_requests_total") ?? 0) >= 24)
            #expect(metrics?.value("k8s_worker_commands_done_total") == 12)

            // The worker's own lines about a command carry where it came from.
            let created = Self.logLines(
                supervisor, containing: ["\"msg\":\"execution created\"", "\"execution.id\":\"\(ids[0])\""])
            #expect(created.count == 1)
            for field in ["\"partition\":\"0\"", "\"offset\":\"0\"", "\"worker.id\":\"w", "\"command.id\":\""] {
                #expect(created.first?.contains(field) == true, "\(field) in \(created)")
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test(
            "with Kafka: ready once assigned; consumed, dead-lettered, published and committed counts; lag per partition"
        )
        func kafkaMetrics() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(0..<20)
            try kafka.send([("poison", Array("{this is not json".utf8))])
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, concurrency: 4))
            supervisor.start(arguments: kafka.supervisorArguments())
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")
            #expect(
                TestSupport.eventually(within: 30) { HTTPProbe.get(port, "/readyz")?.status == 200 },
                "log: \(supervisor.log().suffix(2000))")
            kafka.observe(for: 60) { $0.count >= 41 }
            #expect(kafka.observed.count == 41)

            var metrics: Exposition?
            #expect(
                TestSupport.eventually(within: 15) {
                    metrics = try? Self.scrape(port)
                    let lag = metrics?.samples(named: "k8s_worker_kafka_consumer_lag") ?? []
                    return (metrics?.value("k8s_worker_kafka_commits_total") ?? 0) >= 1 && !lag.isEmpty
                        && lag.allSatisfy { $0.value == 0 }
                        && metrics?.value("k8s_worker_kafka_records_published_total") == 41
                },
                "\(metrics?.samples.filter { $0.name.contains("kafka") }.map { "\($0.name)\($0.labels) \($0.value)" } ?? [])"
            )
            #expect(metrics?.value("k8s_worker_kafka_records_consumed_total") == 21)
            #expect(metrics?.value("k8s_worker_kafka_dead_letters_total") == 1)
            #expect(metrics?.value("k8s_worker_kafka_assigned_partitions") == 6)
            #expect(metrics?.value("k8s_worker_commands_done_total") == 20)
            let lag = metrics?.samples(named: "k8s_worker_kafka_consumer_lag") ?? []
            #expect(
                lag.count <= 6
                    && lag.allSatisfy {
                        $0.labels["topic"] == "saga_commands" && Int($0.labels["partition"] ?? "") != nil
                    })

            // Supervisor lines about a command carry its execution id, topic, partition and offset.
            let dispatched = Self.logLines(
                supervisor, containing: ["\"msg\":\"command dispatched\"", "\"execution.id\":\"\(executionID(0))\""])
            #expect(!dispatched.isEmpty)
            for field in ["\"topic\":\"saga_commands\"", "\"partition\":\"", "\"offset\":\"", "\"worker.id\":\"w"] {
                #expect(dispatched.first?.contains(field) == true, "\(field) in \(dispatched)")
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }
    }
}
