import Chaos
import Glibc
import Testing

extension Integration {
    /// `kafka.properties`: `check-config` and `run` reach the same verdict through the same validation (the
    /// loader, then librdkafka's `rd_kafka_conf_set` and `rd_kafka_new`), and every refusal exits 78.
    @Suite struct KafkaProperties {
        struct Case: CustomStringConvertible, Sendable {
            var description: String
            /// The `kafka:` section's `properties` entry, indented for it.
            var yaml: String
            /// nil: accepted; otherwise a fragment of the reason both commands must print.
            var refusal: String?
        }

        static let cases: [Case] = [
            Case(
                description: "an unknown property", yaml: "  properties:\n    no.such.property: 1\n",
                refusal: #"No such configuration property: "no.such.property""#),
            Case(
                description: "an unknown property in the old syntax", yaml: "  properties: no.such.property=1\n",
                refusal: #"No such configuration property: "no.such.property""#),
            Case(
                description: "a comma in a value in the old syntax", yaml: "  properties: debug=cgrp,consumer\n",
                refusal: "'consumer' is not name=value"),
            Case(
                description: "a value librdkafka refuses", yaml: "  properties:\n    socket.keepalive.enable: maybe\n",
                refusal: #"Expected bool value for "socket.keepalive.enable""#),
            Case(
                description: "an unknown debug context", yaml: "  properties:\n    debug: cgrp,nonsense\n",
                refusal: #"Invalid value "nonsense" for configuration property "debug""#),
            Case(
                description: "properties librdkafka refuses together",
                yaml: "  properties:\n    enable.idempotence: true\n    acks: 1\n",
                refusal: "`acks` must be set to `all` when `enable.idempotence` is true"),
            Case(
                description: "a property k8s-worker manages", yaml: "  properties:\n    enable.auto.commit: maybe\n",
                refusal: "'enable.auto.commit' is set by k8s-worker and cannot be overridden"),
            Case(
                description: "a property with its own key", yaml: "  properties: group.id=other\n",
                refusal: "'group.id' is set by k8s-worker: use kafka.group_id"),
            Case(
                description: "a comma in a value in the mapping syntax",
                yaml: "  properties:\n    debug: cgrp,consumer\n",
                refusal: nil),
            Case(
                description: "the old syntax without commas in values",
                yaml: "  properties: fetch.wait.max.ms=10,linger.ms=2\n",
                refusal: nil),
        ]

        @Test("check-config and run agree on kafka.properties, and refuse with exit 78", arguments: cases)
        func sameVerdict(_ testCase: Case) throws {
            let kafka = try KafkaHarness()
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1) + "kafka:\n" + testCase.yaml)
            let arguments = kafka.supervisorArguments()
            let check = Self.runToEnd(
                [TestSupport.supervisorBinary, "check-config", "--config", supervisor.configPath] + arguments,
                output: supervisor.directory + "/check.log")
            supervisor.start(arguments: arguments)
            if let refusal = testCase.refusal {
                #expect(check.status == 78, "check-config: \(check.output)")
                #expect(check.output.contains(refusal), "check-config: \(check.output)")
                #expect(supervisor.waitForExit(within: 30) == 78, "run: \(supervisor.log().suffix(2000))")
                #expect(supervisor.log().contains(refusal), "run: \(supervisor.log().suffix(2000))")
            } else {
                #expect(check.status == 0, "check-config: \(check.output)")
                #expect(
                    TestSupport.eventually(within: 30) { supervisor.log().contains("kafka source subscribed") },
                    "run: \(supervisor.log().suffix(2000))")
                supervisor.signal(SIGTERM)
                #expect(supervisor.waitForExit(within: 30) == 0, "run: \(supervisor.log().suffix(2000))")
            }
        }

        /// Runs a short command to its end (at most 30 s), stdout and stderr into `output`.
        static func runToEnd(_ argv: [String], output: String) -> (status: Int32?, output: String) {
            guard
                case .success(let pid) = ProcessTable.spawn(
                    argv, environment: ["PATH": "/usr/bin:/bin"], outputPath: output)
            else {
                return (nil, "")
            }
            var status: Int32?
            TestSupport.eventually(within: 30) {
                status = ProcessTable.reap(pid)
                return status != nil
            }
            if status == nil {
                _ = kill(pid, SIGKILL)
                var ignored: Int32 = 0
                _ = waitpid(pid, &ignored, 0)
            }
            return (status, TestSupport.read(output) ?? "")
        }
    }
}
