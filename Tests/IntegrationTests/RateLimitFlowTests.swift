import Glibc
import KubeSimulator
import Platform
import TestKit
import Testing

extension Integration {
    /// The workers' shared, adaptive API rate limit against the simulator's API Priority and Fairness model
    /// (README, "API rate limit"; docs/decisions.md, D14).
    @Suite struct RateLimitFlow {
        /// The server's budget: requests per second, and the queue before 429s.
        static let serverRate = 60.0

        @Test(
            "under APF-like 429s the workers' one shared rate comes down to the server's and the 429s all but stop; every create succeeds"
        )
        func convergesUnderPriorityAndFairness() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try KubernetesFlow.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let ids = (400..<580).map(executionID)
            let lines = ids.map { "\($0)\t" + createTemplate.replacing("EXEC", with: $0) }
            // Four workers with four commands each: sixteen requests in flight, far more than 60/s once each takes
            // a few milliseconds. The shipped limit: adaptive, ceiling 2,000/s.
            let config = KubernetesFlow.kubernetesConfig(simulator, workers: 4)
            let supervisor = SupervisorProcess(config: config, commands: lines)
            // The server's budget from the start: the preflight's few calls queue rather than fail.
            simulator.setFaults(FaultConfiguration.priorityAndFairness(rate: Self.serverRate, queue: 6))
            supervisor.start()
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")

            // Sample the shared limit while the creates run: (seconds, throttled so far, rate in force).
            var samples: [(time: Double, throttled: Double, rate: Double)] = []
            let started = Double(Instant.now().nanoseconds) / 1e9
            let finished = Poll.until(timeout: .seconds(120), every: .milliseconds(200)) {
                if let metrics = try? MetricsEndpoint.scrape(port),
                    let throttled = metrics.value("k8s_worker_kubernetes_api_throttled_total"),
                    let rate = metrics.value("k8s_worker_kubernetes_api_rate_limit")
                {
                    samples.append((Double(Instant.now().nanoseconds) / 1e9 - started, throttled, rate))
                }
                return supervisor.journal().count == ids.count
            }
            #expect(finished, "log: \(supervisor.log().suffix(2000))")
            #expect(supervisor.journal().allSatisfy { $0.outcome == "created" })

            let metrics = try MetricsEndpoint.scrape(port)
            let rate = try #require(metrics.value("k8s_worker_kubernetes_api_rate_limit"))
            let throttled = try #require(metrics.value("k8s_worker_kubernetes_api_throttled_total"))
            let rejected = Double(simulator.counters.faults["429"] ?? 0)
            // Every 429 the server sent was seen by one of the processes, and counted once on the shared page.
            #expect(throttled == rejected, "the page counted \(throttled), the server sent \(rejected)")
            #expect((metrics.value("k8s_worker_kubernetes_api_rate_decreases_total") ?? 0) >= 1)
            #expect(metrics.value("k8s_worker_kubernetes_api_rate_limit_ceiling", ["mode": "adaptive"]) == 2000)
            // Converged: from the 2,000/s ceiling down to about the server's rate (the sawtooth peaks a little
            // above it: the queue absorbs a short excess).
            #expect(rate <= 2 * Self.serverRate, "the shared rate is \(rate)/s at the end")
            // Not hammering: once the rate first came down near the server's, 429s arrive at under half the rate
            // they did before, and at a small fraction of the requests made.
            let convergence = try #require(samples.first { $0.rate <= 2 * Self.serverRate }, "\(samples)")
            let last = try #require(samples.last)
            let before = convergence.throttled / max(convergence.time, 0.1)
            let after = (last.throttled - convergence.throttled) / max(last.time - convergence.time, 0.1)
            #expect(after < before / 2, "429s per second: \(before) before convergence, \(after) after; \(samples)")
            let requests = Double(simulator.counters.requests)
            #expect(rejected < requests / 4, "\(rejected) of \(requests) requests were answered 429")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}
