import Events
import Glibc
import KafkaClient
import KubeSimulator
import Testing

extension Integration {
    /// Issue 12, item 5, end to end: Kafka, the supervisor, workers with the Kubernetes handler and the simulator.
    @Suite struct CommandExpiry {
        /// `createTemplate` for execution `index`, stamped `timestamp`.
        static func create(_ index: Int, timestamp: String) -> (key: String, value: [UInt8]) {
            let value = createTemplate.replacing("EXEC", with: executionID(index))
                .replacing("2026-03-06T21:29:12.481337Z", with: timestamp)
            return (executionID(index), Array(value.utf8))
        }

        @Test(
            "a create older than max_command_age: execution_failed, no API call for it, offset committed; a fresh one is created; an unreadable timestamp is dead-lettered"
        )
        func expiredCreatesFailAndCreateNothing() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try KubernetesFlow.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let kafka = try KafkaHarness()
            let fresh = (executionID(1), Array(stampedNow(createTemplate.replacing("EXEC", with: executionID(1))).utf8))
            let stale = Self.create(2, timestamp: "2026-03-06T21:29:12.481337Z")  // months before this test runs
            let unreadable = Self.create(3, timestamp: "last tuesday")
            try kafka.send([fresh, stale, unreadable])
            let supervisor = SupervisorProcess(config: KubernetesFlow.kubernetesConfig(simulator))
            supervisor.start(
                arguments: kafka.supervisorArguments(["workers.handler": "kubernetes", "workers.max_command_age": "4m"])
            )
            // pod_created + execution_started for the fresh one, execution_failed for the stale one, a dead letter.
            let messages = kafka.observe(for: 60) { $0.count >= 4 }
            #expect(messages.count == 4, "log: \(supervisor.log().suffix(3000))")

            #expect(kafka.createdExecutionIDs() == [executionID(1)])
            let failed = kafka.observed(on: "execution_events").compactMap {
                try? ExecutionFailedEvent.decode($0.value, options: DecodingOptions())
            }
            #expect(failed.map(\.executionID) == [executionID(2)])
            #expect(failed.first?.stderr == "Failed to create pod: the command expired before the pod could be created")
            #expect(failed.first?.errorType == .systemError)
            let dead = kafka.observed(on: "saga_commands.dlq")
            #expect(dead.count == 1)
            #expect(dead.first?.header("x-dlq-error-kind") == Array("invalid_timestamp".utf8))

            // Nothing was ever sent to the API server for the expired command.
            #expect(simulator.object(namespace: "integr8scode", kind: "Pod", name: "executor-" + executionID(1)) != nil)
            // (The image pre-puller's DaemonSet Pod lives there too.)
            let executors = simulator.objects(namespace: "integr8scode", kind: "Pod").filter {
                $0["metadata"]?.objectValue?["name"]?.stringValue?.hasPrefix("executor-") == true
            }
            #expect(executors.count == 1)
            #expect(!simulator.requestLog.contains { $0.path.contains(executionID(2)) })
            #expect(simulator.requestLog.filter { $0.verb == "create" && $0.resource == "pods" }.count == 1)

            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == 3, "every command finished, the expired one included")
        }
    }
}
