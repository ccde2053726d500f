import Glibc
import Testing

extension Integration {
    /// What the supervisor tells systemd, read off a fake NOTIFY_SOCKET with sender credentials.
    @Suite struct SystemdNotify {
        @Test(
            "READY after the pool is up and SIGHUP is caught; WATCHDOG at half WATCHDOG_USEC; RELOADING then READY; STOPPING"
        )
        func notifySequence() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, minReady: 2))
            supervisor.start(environment: ["WATCHDOG_USEC": "300000"])
            let ready = try #require(supervisor.notify.waitFor(10) { $0.fields["READY"] == "1" })
            #expect(ready.fields["STATUS"]?.contains("workers 2/2 ready") == true)
            // SIGHUP (signal 1) must be caught, not just blocked: bit 0 of SigCgt.
            let caught = UInt64(TestSupport.statusField("SigCgt", of: supervisor.pid) ?? "0", radix: 16) ?? 0
            #expect(caught & 1 == 1)

            // Watchdog: WATCHDOG_USEC/2 = 150 ms.
            let windowStart = TestSupport.monotonicSeconds()
            supervisor.notify.collect(for: 1.2)
            let pings = supervisor.notify.received.filter {
                $0.fields["WATCHDOG"] == "1" && $0.receivedAt >= windowStart
            }
            #expect(pings.count >= 5)
            let gaps = zip(pings.dropFirst(), pings).map { $0.receivedAt - $1.receivedAt }
            #expect(gaps.allSatisfy { $0 < 0.3 }, "gaps \(gaps)")

            let before = TestSupport.monotonicMicroseconds()
            supervisor.signal(SIGHUP)
            let reloading = try #require(supervisor.notify.waitFor(5) { $0.fields["RELOADING"] == "1" })
            let after = TestSupport.monotonicMicroseconds()
            let stamp = try #require(reloading.fields["MONOTONIC_USEC"].flatMap { UInt64($0) })
            #expect(stamp >= before && stamp <= after, "MONOTONIC_USEC \(stamp) not in [\(before), \(after)]")
            let reloadIndex = try #require(supervisor.notify.received.firstIndex { $0.fields["RELOADING"] == "1" })
            supervisor.notify.collect(for: 5) { received in
                received[(reloadIndex + 1)...].contains { $0.fields["READY"] == "1" }
            }
            #expect(supervisor.notify.received[(reloadIndex + 1)...].contains { $0.fields["READY"] == "1" })

            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
            supervisor.notify.collect(for: 0.2)
            #expect(supervisor.notify.received.contains { $0.fields["STOPPING"] == "1" })
            // Only the supervisor ever speaks to systemd.
            #expect(supervisor.notify.received.allSatisfy { $0.pid == supervisor.pid })
        }

        @Test("WATCHDOG_PID naming another process: no watchdog pings")
        func watchdogPidHonoured() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(environment: ["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"])
            #expect(supervisor.notify.waitFor(10) { $0.fields["READY"] == "1" } != nil)
            supervisor.notify.collect(for: 0.6)
            #expect(!supervisor.notify.received.contains { $0.fields["WATCHDOG"] != nil })
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}
