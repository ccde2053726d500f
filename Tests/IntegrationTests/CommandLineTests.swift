import Glibc
import Testing

extension Integration {
    /// The operator-facing command line.
    @Suite struct CommandLine {
        @Test("--help of the tool and of every subcommand exits 0", arguments: [[], ["run"], ["check-config"], ["config-reference"]])
        func helpExitsZero(subcommand: [String]) {
            let status = TestSupport.run([TestSupport.supervisorBinary] + subcommand + ["--help"])
            #expect(status == 0)
        }

        @Test("--version exits 0")
        func versionExitsZero() {
            #expect(TestSupport.run([TestSupport.supervisorBinary, "--version"]) == 0)
        }

        @Test("check-config: a valid file passes, an invalid one exits 78 naming the key")
        func checkConfig() {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let good = directory + "/good.yaml"
            let bad = directory + "/bad.yaml"
            let typo = directory + "/typo.yaml"
            TestSupport.write("source:\n  path: /tmp/x\nworkers:\n  count: 3\n", to: good)
            TestSupport.write("source:\n  path: /tmp/x\nworkers:\n  heartbeat_timeout: 1s\n  heartbeat_interval: 2s\n", to: bad)
            TestSupport.write("source:\n  path: /tmp/x\nworkers:\n  cuont: 3\n", to: typo)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "check-config", "--config", good]) == 0)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "check-config", "--config", bad]) >> 8 == 78)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "check-config", "--config", typo]) >> 8 == 78)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "check-config", "--set", "workers.count=x"]) >> 8 == 78)
        }

        @Test("The worker binary refuses to run without the supervisor's arguments")
        func workerNeedsSupervisor() {
            #expect(TestSupport.run([TestSupport.workerBinary]) >> 8 == 64)
        }
    }
}
