import Chaos
import Glibc
import Testing

extension Integration {
    /// The operator-facing command line.
    @Suite struct CommandLine {
        @Test(
            "--help of the tool and of every subcommand exits 0",
            arguments: [[], ["run"], ["check-config"], ["render"], ["config-reference"], ["demo"]])
        func helpExitsZero(subcommand: [String]) {
            let status = TestSupport.run([TestSupport.supervisorBinary] + subcommand + ["--help"])
            #expect(status == 0)
        }

        @Test("--version exits 0 and names the librdkafka and libcurl in use, with their TLS, SASL and HTTP/2 support")
        func versionExitsZero() {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            #expect(TestSupport.run([TestSupport.supervisorBinary, "--version"], stdoutTo: directory + "/out") == 0)
            let lines = (TestSupport.read(directory + "/out") ?? "").split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(lines)")
            #expect(lines.first?.hasPrefix("k8s-worker ") == true)
            #expect(
                lines.contains {
                    $0.hasPrefix("librdkafka 2.") && $0.contains("builtin.features: ") && $0.contains("ssl")
                        && $0.contains("sasl")
                })
            #expect(lines.contains { $0.hasPrefix("libcurl ") && $0.contains("TLS: ") && $0.contains("HTTP/2: ") })
        }

        @Test("check-config: a valid file passes, an invalid one exits 78 naming the key")
        func checkConfig() {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let good = directory + "/good.yaml"
            let bad = directory + "/bad.yaml"
            let typo = directory + "/typo.yaml"
            TestSupport.write("source:\n  path: /tmp/x\nworkers:\n  count: 3\n", to: good)
            TestSupport.write(
                "source:\n  path: /tmp/x\nworkers:\n  heartbeat_timeout: 1s\n  heartbeat_interval: 2s\n", to: bad)
            TestSupport.write("source:\n  path: /tmp/x\nworkers:\n  cuont: 3\n", to: typo)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "check-config", "--config", good]) == 0)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "check-config", "--config", bad]) >> 8 == 78)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "check-config", "--config", typo]) >> 8 == 78)
            #expect(
                TestSupport.run([TestSupport.supervisorBinary, "check-config", "--set", "workers.count=x"]) >> 8 == 78)
        }

        @Test("check-config: max_command_age must be positive and is warned about at the saga's 300 s; attempts ≥ 1")
        func checkConfigCommandAge() {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let output = directory + "/out"
            // stderr into the captured output: the warning is printed there.
            func checkConfig(_ settings: String) -> Int32 {
                TestSupport.run(
                    ["/bin/sh", "-c", "exec \"$0\" check-config \(settings) 2>&1", TestSupport.supervisorBinary],
                    stdoutTo: output)
            }
            #expect(checkConfig("--set workers.max_command_age=4m --set workers.max_create_attempts=1") == 0)
            #expect(!(TestSupport.read(output) ?? "").contains("warning"))
            #expect(checkConfig("--set workers.max_command_age=5m") == 0)
            #expect(
                (TestSupport.read(output) ?? "").contains("k8s-worker: warning: workers.max_command_age: "),
                "\(TestSupport.read(output) ?? "")")
            #expect(checkConfig("--set workers.max_command_age=0s") >> 8 == 78)
            #expect((TestSupport.read(output) ?? "").contains("workers.max_command_age"))
            #expect(checkConfig("--set workers.max_create_attempts=0") >> 8 == 78)
            #expect((TestSupport.read(output) ?? "").contains("workers.max_create_attempts"))
        }

        @Test("render prints the Pod and the owned ConfigMap of a create command; a refused command exits 65")
        func render() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let command = directory + "/command.json"
            let output = directory + "/out.json"
            TestSupport.write(Self.createCommand, to: command)
            #expect(
                TestSupport.run(
                    [TestSupport.supervisorBinary, "render", command, "--pod-uid", "u-123"], stdoutTo: output) == 0)
            let lines = (TestSupport.read(output) ?? "").split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.contains(#""kind":"Pod""#) == true)
            #expect(lines.first?.contains(#""name":"executor-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90""#) == true)
            #expect(lines.last?.contains(#""kind":"ConfigMap""#) == true)
            #expect(lines.last?.contains(#""uid":"u-123""#) == true)
            // The command's identity on both objects (the digest is the golden of `CommandDigestTests`).
            let digest =
                #""integr8s.io/command-digest":"d9543b3e08414816468ba80fe4bb03e98e89b2234c2a1c356dddec34ec1cf69a""#
            #expect(lines.first?.contains(digest) == true && lines.last?.contains(digest) == true)
            let refused = directory + "/refused.json"
            TestSupport.write(
                Self.createCommand.replacing(#""language":"python""#, with: #""language":"cobol""#), to: refused)
            #expect(TestSupport.run([TestSupport.supervisorBinary, "render", refused], stdoutTo: output) >> 8 == 65)
            #expect(
                TestSupport.run(
                    [TestSupport.supervisorBinary, "render", directory + "/missing.json"], stdoutTo: output) >> 8 == 66)
        }

        static let createCommand =
            #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#

        @Test(
            "every executable answers --help with its usage on stdout and exit 0",
            arguments: [
                ("k8s-worker", "USAGE: k8s-worker"), ("k8s-worker-process", "usage: k8s-worker-process"),
                ("k8s-worker-bench", "usage: k8s-worker-bench"), ("k8s-api-simulator", "usage: k8s-api-simulator"),
                ("k8s-worker-chaos", "USAGE: k8s-worker-chaos"), ("k8s-worker-demo", "USAGE: k8s-worker demo"),
            ])
        func everyExecutableHasHelp(executable: String, usage: String) {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let started = TestSupport.monotonicSeconds()
            let status = TestSupport.run(
                [TestSupport.binDirectory + "/" + executable, "--help"], stdoutTo: directory + "/out")
            #expect(status == 0)
            #expect(
                TestSupport.read(directory + "/out")?.contains(usage) == true,
                "\(TestSupport.read(directory + "/out") ?? "")")
            #expect(TestSupport.monotonicSeconds() - started < 10, "help does not start the work")
        }

        @Test("the benchmark stops within seconds on SIGTERM, and so does every process it started")
        func benchStopsOnSigterm() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            guard
                case .success(let bench) = ProcessTable.spawn(
                    [TestSupport.binDirectory + "/k8s-worker-bench"], environment: ["PATH": "/usr/bin:/bin"],
                    outputPath: directory + "/out")
            else {
                Issue.record("cannot start k8s-worker-bench")
                return
            }
            // The full run: wait until its work has started processes of its own.
            var started: [pid_t] = []
            TestSupport.eventually(within: 30) {
                started = TestSupport.children(of: bench).flatMap { [$0] + TestSupport.children(of: $0) }
                return started.count >= 2
            }
            #expect(started.count >= 2, "\(TestSupport.read(directory + "/out") ?? "")")
            _ = kill(bench, SIGTERM)
            var status: Int32?
            TestSupport.eventually(within: 5) {
                status = ProcessTable.reap(bench)
                return status != nil
            }
            if status == nil {
                _ = kill(bench, SIGKILL)
                _ = ProcessTable.reap(bench)
            }
            #expect(status == 128 + SIGTERM, "\(TestSupport.read(directory + "/out") ?? "")")
            #expect(
                TestSupport.eventually(within: 5) { !started.contains(where: TestSupport.isAlive) },
                "left running: \(started.filter(TestSupport.isAlive))")
        }

        @Test("The worker binary refuses to run without the supervisor's arguments")
        func workerNeedsSupervisor() {
            #expect(TestSupport.run([TestSupport.workerBinary]) >> 8 == 64)
        }
    }
}
