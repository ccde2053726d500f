import Glibc
import Testing

extension Integration {
    /// "Retry later" answers: the command waits with backoff, keeps its key's order, and completes once the
    /// fault passes — never failed, never committed past while it waits.
    @Suite struct TransientFailure {
        @Test("A command answered 'retry later' twice completes on its third dispatch; its key waits, others flow")
        func deferredCommandCompletesLater() throws {
            let supervisor = SupervisorProcess(
                config: Integration.config(
                    workers: 2, extra: "dispatch:\n  retry_initial_backoff: 1500ms\n  retry_max_backoff: 1500ms"))
            supervisor.append(commands: ["flaky\ttransient 2", "flaky\tnoop"] + (1...10).map { "k\($0)\tnoop" })
            supervisor.start()
            #expect(
                supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("waiting to retry 1") == true } != nil,
                "STATUS shows the waiting command")
            #expect(
                TestSupport.eventually(within: 15) { supervisor.journal().count == 12 },
                "log: \(supervisor.log().suffix(1500))")
            let journal = supervisor.journal()
            let flaky = journal.filter { $0.offset == 0 }
            #expect(flaky.count == 1)
            #expect(flaky.first?.outcome == "completed")
            #expect(flaky.first?.attempts == 3)
            #expect(!journal.contains { $0.outcome == "failed" })
            // Per-key order: the second "flaky" command finished after the first.
            let order = journal.map(\.offset)
            #expect((order.firstIndex(of: 0) ?? 99) < (order.firstIndex(of: 1) ?? -1))
            #expect(supervisor.log().contains("command deferred; it will be tried again"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
            #expect(supervisor.committedPosition() == 12)
        }
    }
}
