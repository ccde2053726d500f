import Chaos
import Events
import Glibc
import KafkaClient
import TestKit
import Testing

/// Why the mixed-group test could not set itself up.
struct MixedGroupFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Integration {
    /// Issue 15, item 2: a supervisor and an upstream-style Python consumer (aiokafka, in a virtual environment that
    /// `scripts/mixed-group/venv.sh` creates from PyPI) share one consumer group during a migration, on the mock
    /// cluster, with the strategy both speak (`roundrobin`, README "Kafka", "Migrating from the Python worker").
    /// The Python member leads the group and holds its assignment for a second: the mock coordinator, unlike a
    /// broker, refuses a follower's SyncGroup that arrives after the leader's (see `aiokafka_member.py`).
    @Suite struct MixedGroup {
        /// The Python consumer: its process and the file it writes (`assigned …`, `record P O KEY`, `stopped`).
        final class PythonMember {
            let pid: pid_t
            let outputPath: String
            let logPath: String

            init(python: String, bootstrap: String, directory: String) throws {
                outputPath = directory + "/aiokafka.out"
                logPath = directory + "/aiokafka.log"
                let argv = [
                    python, RepositoryFile.path("scripts/mixed-group/aiokafka_member.py"), bootstrap, "k8s-worker",
                    "saga_commands", outputPath,
                ]
                switch ProcessTable.spawn(
                    argv, environment: ["PATH": "/usr/bin:/bin"], outputPath: logPath)
                {
                case .success(let pid): self.pid = pid
                case .failure(let error): throw MixedGroupFailure("cannot start the aiokafka consumer: \(error)")
                }
            }

            var lines: [Substring] { (TestSupport.read(outputPath) ?? "").split(separator: "\n") }
            /// For failure messages (the test's directory is removed afterwards): the end of the consumer's log and of
            /// its output.
            var transcript: String {
                let log = TestSupport.read(logPath) ?? ""
                let output = lines.filter { !$0.hasPrefix("record ") }.suffix(20).joined(separator: "\n")
                return "aiokafka log: \(log.suffix(3000))\naiokafka events: \(output)"
            }
            var lastAssignment: [Substring]? {
                lines.last { $0.hasPrefix("assigned ") }.map { $0.dropFirst("assigned ".count).split(separator: ",") }
            }
            /// The keys (execution ids) of the records it handled, with multiplicity.
            var handledKeys: [String] {
                lines.filter { $0.hasPrefix("record ") }.compactMap { $0.split(separator: " ").last.map(String.init) }
            }

            func stop() -> Int32? {
                _ = kill(pid, SIGTERM)
                var status: Int32?
                _ = TestSupport.eventually(within: 30) {
                    status = ProcessTable.reap(pid)
                    return status != nil
                }
                return status
            }

            deinit {
                if ProcessTable.reap(pid) == nil {
                    _ = kill(pid, SIGKILL)
                    var status: Int32 = 0
                    _ = waitpid(pid, &status, 0)
                }
            }
        }

        /// The virtual environment's python, created on first use (PyPI is reachable here and in CI).
        static func python(directory: String) throws -> String {
            let log = directory + "/venv.log"
            guard
                case .success(let pid) = ProcessTable.spawn(
                    ["/bin/bash", RepositoryFile.path("scripts/mixed-group/venv.sh")],
                    environment: ["PATH": "/usr/bin:/bin"],
                    outputPath: log)
            else { throw MixedGroupFailure("cannot run scripts/mixed-group/venv.sh") }
            var status: Int32?
            _ = TestSupport.eventually(within: 300) {
                status = ProcessTable.reap(pid)
                return status != nil
            }
            let output = TestSupport.read(log) ?? ""
            guard status == 0, let python = output.split(separator: "\n").last.map(String.init) else {
                throw MixedGroupFailure("scripts/mixed-group/venv.sh failed (\(String(describing: status))): \(output)")
            }
            return python
        }

        @Test(
            "an aiokafka consumer and a supervisor in one group: every command handled once, none lost; then the Python member leaves"
        )
        func sharedGroupDuringMigration() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let python = try Self.python(directory: directory)
            let kafka = try KafkaHarness()
            let member = try PythonMember(python: python, bootstrap: kafka.bootstrap, directory: directory)
            #expect(TestSupport.eventually(within: 60) { member.lastAssignment?.count == 6 }, "\(member.transcript)")

            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.assignment_strategy": "roundrobin"]))
            #expect(
                supervisor.notify.waitFor(60) { $0.fields["STATUS"]?.contains("kafka 3 partitions") == true } != nil,
                "supervisor: \(supervisor.log().suffix(2000))\n\(member.transcript)")
            #expect(
                TestSupport.eventually(within: 30) { member.lastAssignment?.count == 3 },
                "the Python member kept 3\n\(member.transcript)")

            try kafka.sendCreates(0..<120)
            let all = Set((0..<120).map(executionID))
            kafka.observe(for: 60) { _ in
                Set(kafka.createdExecutionIDs()).union(member.handledKeys).isSuperset(of: all)
            }
            let bySupervisor = kafka.createdExecutionIDs()
            let byPython = member.handledKeys
            #expect(Set(bySupervisor).union(byPython) == all, "nothing lost")
            #expect(
                Set(bySupervisor).isDisjoint(with: byPython),
                "nothing handled by both\nsupervisor: \(supervisor.log().suffix(3000))\n\(member.transcript)")
            #expect(bySupervisor.count == Set(bySupervisor).count && byPython.count == Set(byPython).count)
            #expect(!bySupervisor.isEmpty && !byPython.isEmpty, "both members had partitions with work")

            // The last Python consumer leaves: the supervisor takes every partition and everything after.
            #expect(member.stop() == 0, "\(member.transcript)")
            #expect(member.lines.last == "stopped")
            #expect(
                supervisor.notify.waitFor(60) { $0.fields["STATUS"]?.contains("kafka 6 partitions") == true } != nil)
            try kafka.sendCreates(120..<180)
            kafka.observe(for: 60) { _ in Set(kafka.createdExecutionIDs()).count >= 180 - byPython.count }
            let later = Set(kafka.createdExecutionIDs()).subtracting(bySupervisor)
            #expect(
                later == Set((120..<180).map(executionID)),
                "after the Python member: everything, once\nsupervisor: \(supervisor.log().suffix(3000))")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == 180)
        }
    }
}
