import Chaos
import Glibc
import Testing

extension Integration {
    /// The whole product under random faults on every side, bounded: ``ChaosRun`` with the library's test
    /// configuration (50 s of 45 commands/s, then the drain). The seed is printed; set
    /// `K8S_WORKER_CHAOS_SEED` to run a given one again. `k8s-worker-chaos` runs the same scenario for longer.
    @Suite struct Chaos {
        @Test("2250 commands through mock Kafka, supervisors, workers and the simulator under faults: every invariant holds")
        func invariantsHoldUnderChaos() async throws {
            let settings = ChaosSettings(seed: ChaosSettings.seedFromEnvironment())
            let report = try await ChaosRun.runDetached(settings: settings) { line in
                print(line)
                fflush(nil)
            }
            print(report.text)
            #expect(report.passed, "\(report.text)")
            #expect(report.verdict.counts.creates >= 1900, "thousands of creates")
            #expect(report.tally.supervisorKills == 1, "the supervisor was SIGKILLed once and replaced")
            #expect(report.tally.workerKills > 0 && report.tally.workerCounts.count > 1, "workers killed and resized")
            #expect(report.tally.apiFaultWindows > 0 && !report.tally.brokerFaults.isEmpty, "API and broker faults injected")
        }
    }
}
