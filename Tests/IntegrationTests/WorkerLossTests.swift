import Glibc
import Testing

extension Integration {
    /// Worker deaths, hangs and crashes: nothing is lost, nothing runs twice to completion, poison is quarantined.
    @Suite struct WorkerLoss {
        @Test("SIGKILL of the worker holding a command: it completes exactly once, on another worker")
        func killedWorkerCommandMovesOn() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            let marker = supervisor.directory + "/holder.pid"
            supervisor.append(commands: ["held\tpidfile \(marker) 1500"] + (1...20).map { "k\($0)\tnoop" })
            supervisor.start()
            var firstHolder: pid_t = 0
            #expect(
                TestSupport.eventually(within: 10) {
                    firstHolder = pid_t(TestSupport.read(marker)?.trimmingCharacters ?? "") ?? 0
                    return firstHolder > 0
                })
            #expect(kill(firstHolder, SIGKILL) == 0)
            #expect(TestSupport.eventually(within: 15) { supervisor.journal().count == 21 })
            let journal = supervisor.journal()
            let held = journal.filter { $0.offset == 0 }
            #expect(held.count == 1)
            #expect(held.first?.attempts == 2)
            #expect(held.first?.outcome == "completed")
            #expect(Set(journal.map(\.offset)) == Set(0...20))
            #expect(
                TestSupport.eventually(within: 5) {
                    supervisor.workers().count == 2 && !supervisor.workers().contains(firstHolder)
                })
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
            #expect(supervisor.committedPosition() == 21)
        }

        @Test("SIGSTOP of a worker: the heartbeat detects it, it is killed and replaced, its command completes")
        func stoppedWorkerIsReplaced() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            let marker = supervisor.directory + "/holder.pid"
            supervisor.append(commands: ["held\tpidfile \(marker) 300"])
            supervisor.start()
            var stopped: pid_t = 0
            #expect(
                TestSupport.eventually(within: 10) {
                    stopped = pid_t(TestSupport.read(marker)?.trimmingCharacters ?? "") ?? 0
                    return stopped > 0
                })
            #expect(kill(stopped, SIGSTOP) == 0)
            // Heartbeat timeout is 1 s: the stopped worker must be killed (and reaped) well within 5 s.
            #expect(TestSupport.eventually(within: 5) { !TestSupport.isAlive(stopped) })
            #expect(TestSupport.eventually(within: 10) { supervisor.journal().count == 1 })
            #expect(supervisor.journal().first?.attempts == 2)
            #expect(TestSupport.eventually(within: 5) { supervisor.workers().count == 2 })
            #expect(supervisor.log().contains("no heartbeat"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test("A command that crashes every worker is quarantined after quarantine_after losses; others flow")
        func poisonIsQuarantined() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, quarantineAfter: 2))
            supervisor.append(commands: ["poison\tcrash"] + (1...10).map { "k\($0)\tnoop" })
            supervisor.start()
            #expect(TestSupport.eventually(within: 20) { supervisor.journal().count == 11 })
            let journal = supervisor.journal()
            let poison = try #require(journal.first { $0.offset == 0 })
            #expect(poison.outcome == "failed")
            #expect(poison.attempts == 2)
            #expect(poison.reason?.contains("worker crashed repeatedly") == true)
            #expect(journal.filter { $0.offset > 0 }.allSatisfy { $0.outcome == "completed" })
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().count == 2 })
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
            #expect(supervisor.committedPosition() == 11)
        }

        @Test("A command past its deadline gets its worker killed; with quarantine_after 1 it fails")
        func hangingCommandHitsDeadline() throws {
            let supervisor = SupervisorProcess(
                config: Integration.config(workers: 1, quarantineAfter: 1, commandDeadline: "300ms"))
            supervisor.append(commands: ["stuck\thang", "next\tnoop"])
            supervisor.start()
            #expect(TestSupport.eventually(within: 15) { supervisor.journal().count == 2 })
            let journal = supervisor.journal()
            #expect(journal.first { $0.offset == 0 }?.outcome == "failed")
            #expect(journal.first { $0.offset == 1 }?.outcome == "completed")
            #expect(supervisor.log().contains("exceeded its deadline"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test("A worker speaking garbage is disconnected and replaced with backoff; a crash loop shows in STATUS")
        func garbageWorkerCrashLoop() throws {
            let script = TestSupport.makeTemporaryDirectory() + "/garbage-worker.sh"
            defer { TestSupport.removeDirectory(String(script[..<(script.lastIndex(of: "/") ?? script.endIndex)])) }
            TestSupport.write("#!/bin/sh\nprintf '\\377\\377\\377\\377garbage' >&3\nexec sleep 30\n", to: script)
            chmod(script, 0o755)
            let supervisor = SupervisorProcess(
                config: Integration.config(
                    workers: 1,
                    restart:
                        "initial_backoff: 20ms\n  max_backoff: 2s\n  crash_loop_threshold: 3\n  crash_loop_window: 60s",
                    executable: script))
            supervisor.start()
            #expect(supervisor.notify.waitFor(10) { $0.fields["STATUS"]?.contains("CRASH-LOOP") == true } != nil)
            #expect(TestSupport.isAlive(supervisor.pid))
            #expect(supervisor.log().contains("oversized frame"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}

extension Integration {
    /// Many threads of one worker finishing at the same moment.
    @Suite struct WorkerConcurrency {
        @Test("Simultaneous completions on every thread of a worker: no worker dies, every command once")
        func simultaneousCompletions() throws {
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, concurrency: 8))
            supervisor.append(commands: (0..<480).map { "k\($0)\tsleep 20" })
            supervisor.start()
            #expect(TestSupport.eventually(within: 30) { supervisor.journal().count >= 480 })
            let journal = supervisor.journal()
            #expect(journal.count == 480)
            #expect(journal.allSatisfy { $0.outcome == "completed" && $0.attempts == 1 })
            #expect(!supervisor.log().contains("worker lost"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }
    }
}
