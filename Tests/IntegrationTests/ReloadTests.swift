import Glibc
import Testing

extension Integration {
    /// SIGHUP: resize without loss or duplicates; invalid files keep the old configuration; no descriptor leaks.
    @Suite struct Reload {
        @Test("SIGHUP 2 → 6 → 1 while commands flow: no loss, no duplicate, per-key order kept, pool converges")
        func resizeUnderLoad() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, concurrency: 2))
            let commands = (0..<600).map { "k\($0 % 40)\tsleep 3" }
            supervisor.append(commands: commands)
            supervisor.start()
            #expect(TestSupport.eventually(within: 10) { supervisor.journal().count >= 50 })

            supervisor.writeConfig(Integration.config(workers: 6, concurrency: 2))
            supervisor.signal(SIGHUP)
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 6 })

            supervisor.writeConfig(Integration.config(workers: 1, concurrency: 2))
            supervisor.signal(SIGHUP)
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 1 })

            #expect(TestSupport.eventually(within: 60) { supervisor.journal().count >= 600 })
            let journal = supervisor.journal()
            #expect(journal.count == 600, "every command exactly once")
            #expect(Set(journal.map(\.offset)) == Set(0..<600))
            #expect(journal.allSatisfy { $0.outcome == "completed" && $0.attempts == 1 })
            // Per key, completions come in offset order.
            var lastOffset: [String: Int] = [:]
            for record in journal {
                #expect((lastOffset[record.key] ?? -1) < record.offset, "order broken for \(record.key)")
                lastOffset[record.key] = record.offset
            }
            supervisor.notify.collect(for: 0.5)
            let reloads = supervisor.notify.received.filter { $0.fields["RELOADING"] == "1" }
            #expect(reloads.count == 2)
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
            #expect(supervisor.committedPosition() == 600)
        }

        @Test("An invalid file on SIGHUP keeps the old configuration and says so; a valid one then applies")
        func invalidReloadKeepsOld() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start()
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 2 })
            supervisor.writeConfig(Integration.config(workers: 2).replacing("count: 2", with: "count: many"))
            supervisor.signal(SIGHUP)
            let failed = supervisor.notify.waitFor(5) { $0.fields["STATUS"]?.contains("reload failed") == true }
            #expect(failed?.fields["STATUS"]?.contains("workers.count") == true)
            #expect(supervisor.workers().count == 2)
            #expect(supervisor.log().contains("keeping the previous configuration"))

            supervisor.writeConfig(Integration.config(workers: 3))
            supervisor.signal(SIGHUP)
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 3 })
            #expect(
                supervisor.notify.waitFor(5) {
                    $0.fields["STATUS"].map { $0.contains("3/3 ready") && !$0.contains("reload failed") } ?? false
                } != nil)
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test("20 reloads that resize the pool leave the supervisor's descriptor count unchanged")
        func reloadsDoNotLeakDescriptors() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start()
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 2 })
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("2/2 ready") == true } != nil)
            let baseline = TestSupport.settledDescriptorCount(of: supervisor.pid)
            #expect(baseline > 0)
            for round in 1...20 {
                let size = round % 2 == 1 ? 3 : 2
                supervisor.writeConfig(Integration.config(workers: size))
                supervisor.signal(SIGHUP)
                let converged = TestSupport.eventually(within: 10) { supervisor.workers().count == size }
                #expect(converged, "round \(round); supervisor log tail: \(supervisor.log().suffix(3000))")
                if !converged { break }
            }
            // A leak grows the count by at least one per reload; a transient descriptor in either sample must
            // not fail the test, so compare settled counts.
            let settled = TestSupport.eventually(within: 5) {
                TestSupport.settledDescriptorCount(of: supervisor.pid) <= baseline
            }
            #expect(settled, "baseline \(baseline), now \(TestSupport.descriptors(of: supervisor.pid))")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}
