import Events
import Glibc
import KubeSimulator
import TestKit
import Testing

extension Integration {
    /// The real binaries with the Kubernetes handler against the simulator over TLS.
    @Suite struct KubernetesFlow {
        /// A started simulator with the `integr8scode` namespace.
        static func simulator(
            _ directory: String, faults: FaultConfiguration = FaultConfiguration()
        ) throws -> APISimulator {
            var configuration = SimulatorConfiguration(outputDirectory: directory + "/sim")
            _ = mkdir(directory + "/sim", 0o700)
            configuration.namespaces = ["integr8scode"]
            configuration.maxGracefulDeletion = .milliseconds(50)
            configuration.faults = faults
            // The supervisor and workers are the k8s-worker service account, authorized by the shipped policy.
            configuration.tokenServiceAccount = ServiceAccountName(namespace: "integr8scode", name: "k8s-worker")
            configuration.authorization = AuthorizationConfiguration(rbac: [
                RBACPolicySource(.file(RepositoryFile.path("deploy/kubernetes/rbac.yaml")))
            ])
            let simulator = try APISimulator(configuration)
            try simulator.start()
            return simulator
        }

        /// The executor Pods (the image pre-puller's DaemonSet Pod is in the namespace too).
        static func executorPods(_ simulator: APISimulator) -> [JSONObject] {
            simulator.objects(namespace: "integr8scode", kind: "Pod").filter {
                $0["metadata"]?.objectValue?["labels"]?.objectValue?["component"]?.stringValue == "executor"
            }
        }

        static func kubernetesConfig(
            _ simulator: APISimulator, workers: Int = 2, namespace: String = "integr8scode"
        ) -> String {
            Integration.config(workers: workers, concurrency: 4).replacing("handler: test", with: "handler: kubernetes")
                + """

                kubernetes:
                  source: kubeconfig
                  kubeconfig: \(simulator.kubeconfigPath)
                  namespace: \(namespace)
                  request_timeout: 2s
                dispatch:
                  retry_initial_backoff: 200ms
                  retry_max_backoff: 1s

                """
        }

        @Test(
            "creates and deletes through supervisor and workers: objects in the simulator, namespace prepared, no script or token in the log"
        )
        func createsAndDeletes() throws {
            let ids = (0..<24).map(executionID)
            let deleted = Array(ids.prefix(6))
            var lines = ids.map { "\($0)\t" + createTemplate.replacing("EXEC", with: $0) }
            lines += deleted.map { "\($0)\t" + deleteTemplate.replacing("EXEC", with: $0) }
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try Self.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let supervisor = SupervisorProcess(config: Self.kubernetesConfig(simulator), commands: lines)
            supervisor.start()
            #expect(
                TestSupport.eventually(within: 60) { supervisor.journal().count == lines.count },
                "log: \(supervisor.log().suffix(2000))")
            let journal = supervisor.journal()
            #expect(journal.filter { $0.outcome == "created" }.count == 24)
            #expect(journal.filter { $0.outcome == "deleted" }.count == 6)
            // Per key: the delete ran after the create.
            for id in deleted {
                let outcomes = journal.filter { $0.key == id }.map(\.outcome)
                #expect(outcomes == ["created", "deleted"], "\(id): \(outcomes)")
            }
            #expect(
                TestSupport.eventually(within: 10) {
                    Self.executorPods(simulator).count == 18
                })
            #expect(
                TestSupport.eventually(within: 10) {
                    simulator.objects(namespace: "integr8scode", kind: "ConfigMap").count == 18
                })
            #expect(
                simulator.object(namespace: "integr8scode", kind: "NetworkPolicy", name: "executor-deny-all") != nil)
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
            let log = supervisor.log()
            #expect(!log.contains("hello, k8s"), "the user's script never reaches the log")
            #expect(!log.contains(simulator.token), "the token never reaches the log")
            // The shipped deploy/kubernetes/rbac.yaml lets the supervisor and workers do all of it.
            #expect(simulator.authorizationDenials().isEmpty, "403s: \(simulator.authorizationDenials())")
        }

        @Test("an API outage longer than the command deadline: commands wait and complete afterwards, none fails")
        func outageDefersCommands() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try Self.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let lines = (100..<108).map {
                "\(executionID($0))\t" + createTemplate.replacing("EXEC", with: executionID($0))
            }
            let config = Self.kubernetesConfig(simulator).replacing(
                "command_deadline: 30s", with: "command_deadline: 2s")
            let supervisor = SupervisorProcess(config: config, commands: lines)
            supervisor.start()
            #expect(TestSupport.eventually(within: 20) { supervisor.log().contains("namespace prepared") })
            simulator.setFaults(FaultConfiguration(rules: [FaultRule(.serviceUnavailable, verbs: ["create"])]))
            #expect(
                TestSupport.eventually(within: 20) { supervisor.log().contains("command deferred") },
                "log: \(supervisor.log().suffix(2000))")
            #expect(supervisor.journal().isEmpty)
            simulator.resetFaults()
            #expect(
                TestSupport.eventually(within: 30) { supervisor.journal().count == 8 },
                "log: \(supervisor.log().suffix(2000))")
            #expect(supervisor.journal().allSatisfy { $0.outcome == "created" })
            #expect(Self.executorPods(simulator).count == 8)
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
        }

        @Test(
            "a kubeconfig or token file others can write, or in a directory others can write, is refused at start (exit 78); a kubeconfig others can read is used with a warning"
        )
        func kubeconfigPermissions() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try Self.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let copy = directory + "/kubeconfig"
            TestSupport.write(TestSupport.read(simulator.kubeconfigPath) ?? "", to: copy)
            #expect(chmod(copy, 0o666) == 0)
            let config = Self.kubernetesConfig(simulator).replacing(simulator.kubeconfigPath, with: copy)
            let refused = SupervisorProcess(config: config)
            refused.start()
            #expect(refused.waitForExit(within: 15) == 78)
            #expect(refused.log().contains("writable by others (mode 0666)"))
            // Whoever can write the directory can replace the file, whatever the file's own mode.
            #expect(chmod(copy, 0o600) == 0)
            #expect(chmod(directory, 0o777) == 0)
            let openDirectory = SupervisorProcess(config: config)
            openDirectory.start()
            #expect(openDirectory.waitForExit(within: 15) == 78)
            #expect(openDirectory.log().contains("its directory \(directory) is writable by others (mode 0777)"))
            #expect(chmod(directory, 0o700) == 0)

            // A token file the kubeconfig names gets the same checks: here its directory is open to all.
            let open = directory + "/open"
            #expect(mkdir(open, 0o700) == 0)
            TestSupport.write(simulator.token + "\n", to: open + "/token")
            #expect(chmod(open + "/token", 0o600) == 0)
            let withTokenFile = (TestSupport.read(simulator.kubeconfigPath) ?? "").split(
                separator: "\n", omittingEmptySubsequences: false
            )
            .map { $0.hasPrefix("    token: ") ? "    tokenFile: \(open)/token" : String($0) }.joined(separator: "\n")
            let tokenFileConfig = directory + "/kubeconfig-token-file"
            TestSupport.write(withTokenFile, to: tokenFileConfig)
            #expect(chmod(tokenFileConfig, 0o600) == 0)
            #expect(chmod(open, 0o777) == 0)
            let openTokenDirectory = SupervisorProcess(
                config: Self.kubernetesConfig(simulator).replacing(simulator.kubeconfigPath, with: tokenFileConfig))
            openTokenDirectory.start()
            #expect(openTokenDirectory.waitForExit(within: 15) == 78)
            #expect(
                openTokenDirectory.log().contains(
                    "refusing the token file \(open)/token: its directory \(open) is writable by others"),
                "\(openTokenDirectory.log().suffix(1500))")
            #expect(chmod(open, 0o700) == 0)

            #expect(chmod(copy, 0o644) == 0)
            let warned = SupervisorProcess(config: config)
            warned.start()
            #expect(TestSupport.eventually(within: 15) { warned.log().contains("namespace prepared") })
            #expect(warned.log().contains("the kubeconfig holds credentials and it is readable by others (mode 0644)"))
            warned.signal(SIGTERM)
            let exitCode = warned.waitForExit(within: 15)
            #expect(exitCode == 0, "\(warned.log().suffix(3000))")
        }

        @Test(
            "through Kafka: a second create with the execution id of a running one but another script ends in execution_failed; the first one's objects stay"
        )
        func conflictingCreateFails() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try Self.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let kafka = try KafkaHarness()
            let id = executionID(300)
            let first = stampedNow(createTemplate.replacing("EXEC", with: id))
            let second = first.replacing("print('hello, k8s')", with: "print('SECOND-SCRIPT')")
                .replacing("0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f", with: "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b")
            // One key, so the worker sees them in this order.
            try kafka.send([(id, Array(first.utf8)), (id, Array(second.utf8))])
            let supervisor = SupervisorProcess(config: Self.kubernetesConfig(simulator, workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments(["workers.handler": "kubernetes"]))
            kafka.observe(for: 60) { messages in
                messages.contains { $0.topic == "pod_events" }
                    && messages.contains {
                        $0.topic == "execution_events" && Self.eventType($0.value) == "execution_failed"
                    }
            }
            let failed = kafka.observed(on: "execution_events").filter {
                Self.eventType($0.value) == "execution_failed"
            }
            #expect(failed.count == 1, "log: \(supervisor.log().suffix(2000))")
            let event = try #require(
                failed.first.map { try ExecutionFailedEvent.decode($0.value, options: DecodingOptions()) })
            #expect(event.executionID == id)
            #expect(
                event.stderr
                    == "Failed to create the Pod: conflict: the execution_id is already used by another command")
            #expect(kafka.createdExecutionIDs() == [id], "only the first command was reported created")
            let configMap = simulator.object(namespace: "integr8scode", kind: "ConfigMap", name: "script-" + id)
            #expect(configMap?["data"]?.objectValue?["main.py"]?.stringValue == "print('hello, k8s')\n")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(!supervisor.log().contains("SECOND-SCRIPT"), "the script never reaches the log")
        }

        /// `event_type` of a published record's value.
        static func eventType(_ value: [UInt8]) -> String? {
            (try? JSONParser().parse(value))?.objectValue?["event_type"]?.stringValue
        }

        @Test("namespace default is refused: check-config and run exit 78 with the reason")
        func defaultNamespaceIsRefused() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try Self.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let supervisor = SupervisorProcess(config: Self.kubernetesConfig(simulator, namespace: "default"))
            let output = supervisor.directory + "/check.txt"
            #expect(
                TestSupport.run(
                    [TestSupport.supervisorBinary, "check-config", "--config", supervisor.configPath], stdoutTo: output)
                    >> 8 == 78)
            supervisor.start()
            #expect(supervisor.waitForExit(within: 15) == 78)
            #expect(supervisor.log().contains("kubernetes.namespace"))
            #expect(simulator.objects(kind: "Pod").isEmpty)
        }
    }
}
