import Glibc
import Testing

extension Integration {
    /// SIGTERM drains in-flight work; the supervisor's death takes its workers with it.
    @Suite struct Shutdown {
        @Test("SIGTERM with work in flight: all of it finishes, nothing new starts, exit 0, position committed")
        func drainFinishesInFlight() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, concurrency: 4))
            supervisor.append(commands: (0..<8).map { "k\($0)\tsleep 1000" } + (8..<20).map { "k\($0)\tnoop" })
            supervisor.start()
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("in-flight 8") == true } != nil)
            let started = TestSupport.monotonicSeconds()
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 10) == 0)
            #expect(TestSupport.monotonicSeconds() - started < 10)
            let journal = supervisor.journal()
            #expect(
                Set(journal.map(\.offset)) == Set(0..<8),
                "in-flight work finished; queued work was not started; log: \(supervisor.log().split(separator: "\n").filter { !$0.contains("heard") }.suffix(40).joined(separator: "\n"))"
            )
            #expect(supervisor.committedPosition() == 8)
            supervisor.notify.collect(for: 0.3)
            #expect(supervisor.notify.received.contains { $0.fields["STOPPING"] == "1" })
            #expect(supervisor.notify.received.contains { $0.fields["EXTEND_TIMEOUT_USEC"] != nil })
        }

        @Test("A second SIGTERM cuts the drain short: workers are terminated, exit 0")
        func secondSignalShortensDrain() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1, concurrency: 1))
            supervisor.append(commands: ["slow\tsleep 20000"])
            supervisor.start()
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("in-flight 1") == true } != nil)
            let started = TestSupport.monotonicSeconds()
            supervisor.signal(SIGTERM)
            #expect(supervisor.notify.waitFor(5) { $0.fields["STOPPING"] == "1" } != nil)
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 8) == 0)
            #expect(TestSupport.monotonicSeconds() - started < 8)
            #expect(supervisor.journal().isEmpty, "the interrupted command is not reported as done")
            #expect(supervisor.committedPosition() ?? 0 == 0)
        }

        @Test("SIGKILL of the supervisor: every worker exits by itself")
        func workersDieWithSupervisor() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 3))
            supervisor.append(commands: ["busy\tsleep 30000"])
            supervisor.start()
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 3 })
            let workers = supervisor.workers()
            supervisor.signal(SIGKILL)
            #expect(supervisor.waitForExit(within: 5) == 128 + SIGKILL)
            #expect(TestSupport.eventually(within: 5) { workers.allSatisfy { !TestSupport.isAlive($0) } })
        }
    }
}
