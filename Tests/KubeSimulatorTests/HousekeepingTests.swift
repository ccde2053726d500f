import Testing

@testable import KubeSimulator

@Suite("Connection housekeeping")
struct HousekeepingTests {
    /// Regression: housekeeping used the loop iteration's clock reading, taken before the iteration's timers ran. A
    /// delayed response written by a timer stamps the connection's last activity after that reading, and the
    /// unsigned "idle for" subtraction wrapped, so housekeeping closed the busy keep-alive connection as idle right
    /// after its response. It showed only when a timer and housekeeping shared an iteration (now and then under the
    /// sanitizers); a 1 ms housekeeping interval makes them share almost every one.
    @Test("a keep-alive connection answered by a latency timer is not closed as idle by the same loop iteration")
    func delayedResponsesKeepTheConnection() throws {
        let harness = try TestSupport.simulator {
            $0.faults = FaultConfiguration(latency: .milliseconds(3), jitter: .milliseconds(2))
            $0.limits.housekeepingInterval = .milliseconds(1)
        }
        let client = try harness.client()
        for request in 0..<40 {
            let response = try client.request("GET", "/api/v1/namespaces/ns")
            try #require(response.status == 200, "request \(request)")
        }
        #expect(client.connectionsOpened == 1, "one keep-alive connection throughout")
        #expect(harness.simulator.counters.connectionsAccepted == 1)
    }

    @Test("elapsed time saturates at zero when the start was stamped after now")
    func elapsedSaturates() {
        #expect(SimulatorClock.elapsed(from: 1_000, to: 5_000) == 4_000)
        #expect(SimulatorClock.elapsed(from: 5_000, to: 1_000) == 0)
        #expect(SimulatorClock.elapsed(from: 7, to: 7) == 0)
    }
}
