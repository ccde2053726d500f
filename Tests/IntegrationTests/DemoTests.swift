import Glibc
import Platform
import Testing

extension Integration {
    /// `k8s-worker demo`: the whole product on embedded Kafka and Kubernetes, run as a subprocess.
    @Suite struct Demo {
        @Test("demo --commands 20 exits 0 and its summary shows every command accounted for")
        func demoSucceeds() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let output = directory + "/summary.txt"
            let status = Self.run(
                [
                    TestSupport.supervisorBinary, "demo", "--commands", "20", "--quiet", "--timeout", "50",
                    "--log-level", "error",
                ], stdoutTo: output,
                within: 60)
            let summary = TestSupport.read(output) ?? ""
            #expect(status.map { $0 >> 8 } == 0, "status \(String(describing: status)); summary:\n\(summary)")
            let rows = Self.rows(summary)
            // 20 records: 1 delete (20 / 12), the disallowed create, the poison record, 17 valid creates.
            #expect(
                rows["commands produced"]?.hasPrefix("20 (17 creates, 1 disallowed image, 1 deletes, 1 poison)")
                    == true, "\(summary)")
            #expect(rows["pods in simulator"] == "16 (expected 16)", "\(summary)")
            #expect(rows["configmaps in simulator"] == "16", "\(summary)")
            #expect(rows["records on pod_events"] == "17", "\(summary)")
            #expect(rows["records on execution_events"] == "18", "17 started + 1 failed; \(summary)")
            #expect(rows["records on saga_commands.dlq"] == "1", "\(summary)")
            #expect(rows["execution_failed"] == "1", "\(summary)")
            #expect(summary.contains("demo-poison-record: "), "the dead-letter reason is shown; \(summary)")
            #expect(summary.contains("runtime_image does not match runtime python 3.11"), "\(summary)")
            #expect(summary.contains("Result: OK"), "\(summary)")
            #expect(!summary.contains("hello from k8s-worker demo"), "scripts never reach the output")
        }

        @Test("with every log line on (debug), neither the API token nor any script reaches stdout or stderr")
        func demoLogsNoSecrets() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let token = "marker-token-7f3c9a1e5b2d4086"
            let output = directory + "/all.txt"
            let status = Self.run(
                [
                    TestSupport.supervisorBinary, "demo", "--commands", "12", "--quiet", "--timeout", "50",
                    "--log-level", "debug",
                    "--api-token", token,
                ], stdoutTo: output, stderrToo: true, within: 60)
            let everything = TestSupport.read(output) ?? ""
            #expect(status.map { $0 >> 8 } == 0, "\(everything.suffix(3000))")
            // The debug log is long: it proves the lines were there to search.
            #expect(everything.split(separator: "\n").count > 50)
            #expect(everything.contains("execution created"))
            #expect(!everything.contains(token))
            #expect(!everything.contains("hello from k8s-worker demo"))
        }

        @Test("demo runs while another process holds the service's metrics port 9464, and prints the address it bound")
        func demoUsesAFreeMetricsPort() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(holder) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(9464).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            // Either this test holds 9464 now, or something else already does: both are the case to survive.
            #expect(bound == 0 ? listen(holder, 4) == 0 : errno == EADDRINUSE)
            let output = directory + "/out.txt"
            let status = Self.run(
                [
                    TestSupport.supervisorBinary, "demo", "--commands", "4", "--quiet", "--timeout", "50",
                    "--log-level", "error",
                ],
                stdoutTo: output, within: 60)
            let text = TestSupport.read(output) ?? ""
            #expect(status.map { $0 >> 8 } == 0, "\(text)")
            let line = text.split(separator: "\n").first { $0.hasPrefix("metrics: http://127.0.0.1:") }
            let port = line.flatMap { Int($0.dropFirst("metrics: http://127.0.0.1:".count).prefix { $0.isNumber }) }
            #expect(port != nil && port != 9464, "\(text)")
        }

        @Test("demo refuses a --commands below 4 with a usage error")
        func demoValidatesFlags() {
            #expect(TestSupport.run([TestSupport.supervisorBinary, "demo", "--commands", "2"]) >> 8 == 64)
        }

        @Test("demo --help is the demo binary's: every option of k8s-worker-demo, under the name k8s-worker demo")
        func demoHelpPassesThrough() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            let output = directory + "/help.txt"
            let status = Self.run([TestSupport.supervisorBinary, "demo", "--help"], stdoutTo: output, within: 20)
            let help = TestSupport.read(output) ?? ""
            #expect(status.map { $0 >> 8 } == 0, "\(help)")
            for option in ["--commands", "--workers", "--api-latency-ms", "--keep-running"] {
                #expect(help.contains(option), "\(help)")
            }
            #expect(help.contains("USAGE: k8s-worker demo"), "\(help)")
        }

        @Test("without k8s-worker-demo beside it, demo exits 69 and names the missing binary")
        func demoWithoutItsBinary() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            // A copy, not a link: the demo binary is looked up beside the real file (/proc/self/exe).
            let alone = directory + "/k8s-worker"
            #expect(TestSupport.run(["/bin/cp", TestSupport.supervisorBinary, alone]) == 0)
            let output = directory + "/out.txt"
            let status = Self.run([alone, "demo", "--commands", "4"], stdoutTo: output, stderrToo: true, within: 20)
            let text = TestSupport.read(output) ?? ""
            #expect(status.map { $0 >> 8 } == 69, "\(text)")
            #expect(text.contains("cannot run \(directory)/k8s-worker-demo"), "\(text)")
        }

        /// `| name | value |` rows of the summary table.
        static func rows(_ text: String) -> [String: String] {
            var rows: [String: String] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("|") {
                let cells = line.split(separator: "|").map { $0.trimmingSpaces }
                if cells.count == 2 { rows[cells[0]] = cells[1] }
            }
            return rows
        }

        /// Runs `argv` with stdout to `output`; kills it if it outlives `seconds`. Returns the wait status, or
        /// `nil` if it had to be killed.
        static func run(
            _ argv: [String], stdoutTo output: String, stderrToo: Bool = false, within seconds: Double
        ) -> Int32? {
            var actions: [Spawn.FileAction] = [.open(1, path: output, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)]
            if stderrToo { actions.append(.duplicate(1, to: 2)) }
            guard case .success(let pid) = Spawn.start(argv, options: Spawn.Options(fileActions: actions)) else {
                return nil
            }
            var status: Int32 = 0
            let exited = TestSupport.eventually(within: seconds) { waitpid(pid, &status, WNOHANG) == pid }
            guard exited else {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return nil
            }
            return status
        }
    }
}
