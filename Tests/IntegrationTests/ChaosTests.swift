import Chaos
import Glibc
import Testing

extension Integration {
    /// The whole product under random faults on every side, bounded: ``ChaosRun`` with the library's test
    /// configuration (50 s of 45 commands/s, then the drain). The seed is printed; set
    /// `K8S_WORKER_CHAOS_SEED` to run a given one again. `k8s-worker-chaos` runs the same scenario for longer.
    @Suite struct Chaos {
        @Test(
            "2250 commands through mock Kafka, supervisors, workers and the simulator under faults: every invariant holds"
        )
        func invariantsHoldUnderChaos() async throws {
            var settings = ChaosSettings(seed: ChaosSettings.seedFromEnvironment())
            // Instrumented builds (scripts/sanitize.sh) carry a fraction of the rate: K8S_WORKER_CHAOS_SCALE scales
            // the command rate, and the count expected below with it.
            let scale =
                getenv("K8S_WORKER_CHAOS_SCALE").flatMap { Double(String(cString: $0)) }.map { min(max($0, 0.1), 1) }
                ?? 1
            settings.commandsPerSecond *= scale
            // 45 commands/s is more than 2–4 workers under these faults finish on two cores (each create is three
            // API calls: the gated Pod, its ConfigMap, the gate removed), so a backlog builds and the drain works
            // it off. With seed 1864265204 on a quiet machine it took 99.5 s (and 93.7 s with dynamic membership
            // and the range assignor, so not the Kafka settings); in the whole suite, or with other work on the
            // cores, it passed 120 s several times. The drain may take four minutes; every invariant is checked as
            // before once it is over.
            settings.drainTimeout = .seconds(240)
            let report = try await ChaosRun.runDetached(settings: settings) { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
            #expect(report.passed, "\(report.text)")
            #expect(Double(report.verdict.counts.creates) >= 1900 * scale, "thousands of creates (at full scale)")
            #expect(report.tally.supervisorKills == 1, "the supervisor was SIGKILLed once and replaced")
            #expect(report.tally.workerKills > 0 && report.tally.workerCounts.count > 1, "workers killed and resized")
            #expect(
                report.tally.apiFaultWindows > 0 && !report.tally.brokerFaults.isEmpty, "API and broker faults injected"
            )
        }
    }
}
