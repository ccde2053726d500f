import Glibc
import Testing

extension Integration {
    /// What each worker inherits, and PID 1 duty.
    @Suite struct ProcessHygiene {
        @Test("Workers: empty signal mask, no ignored signals, only fds 0-3, own process group, no systemd variables")
        func workersStartClean() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start(environment: ["WATCHDOG_USEC": "5000000", "LISTEN_FDS": "1", "LISTEN_PID": "1"])
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 2 })
            #expect(supervisor.notify.waitFor(10) { $0.fields["READY"] == "1" } != nil)
            // Both workers past their handshake: before it, the dynamic loader may still hold a library open.
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("workers 2/2 ready") == true } != nil)
            for worker in supervisor.workers() {
                // Signals 32 and 33 are glibc's own (thread cancellation, setxid); posix_spawn cannot and need not
                // reset them, so they are masked out of the comparison.
                let glibcInternal: UInt64 = 0b11 << 31
                #expect(TestSupport.statusField("SigBlk", of: worker).flatMap { UInt64($0, radix: 16) }.map { $0 & ~glibcInternal } == 0)
                #expect(TestSupport.statusField("SigIgn", of: worker).flatMap { UInt64($0, radix: 16) }.map { $0 & ~glibcInternal } == 0)
                #expect(TestSupport.descriptors(of: worker) == [0, 1, 2, 3])
                let environment = TestSupport.environment(of: worker)
                for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"] {
                    #expect(!environment.contains { $0.hasPrefix(name + "=") }, "\(name) leaked into a worker")
                }
                #expect(getpgid(worker) == worker)
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test("As PID 1 in its own PID namespace, the supervisor reaps orphans and leaves no zombies")
        func pid1ReapsOrphans() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.append(commands: (0..<4).map { "k\($0)\torphan 200" })
            supervisor.start(prefix: ["/usr/bin/unshare", "--pid", "--fork"])
            var inner: pid_t = 0
            #expect(TestSupport.eventually(within: 10) {
                inner = TestSupport.children(of: supervisor.pid).first ?? 0
                return inner > 0
            })
            #expect(TestSupport.eventually(within: 15) { supervisor.journal().count == 4 })
            #expect(TestSupport.eventually(within: 10) { supervisor.log().ranges(of: "reaped orphan").count >= 4 })
            #expect(TestSupport.eventually(within: 5) {
                TestSupport.children(of: inner).allSatisfy { TestSupport.state(of: $0) != "Z" }
            })
            _ = kill(inner, SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}
