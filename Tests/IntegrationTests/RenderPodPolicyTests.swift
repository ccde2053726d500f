import Events
import Glibc
import KubeSimulator
import Testing

extension Integration {
    /// `k8s-worker render --config` with a configured pod section: the Pod a worker would create, checked by the
    /// simulator (Pod Security "restricted", Kueue's model) and by the API's own schemas (kubernetes-validate).
    @Suite struct RenderPodPolicy {
        static let repository: String = {
            let file = #filePath
            return String(file[..<(file.firstRange(of: "/Tests/IntegrationTests/")?.lowerBound ?? file.endIndex)])
        }()

        static let configuration = """
            source:
              path: /tmp/unused
            pod:
              image_prefix_rewrite: {from: "docker.io/", to: "mirror.local/"}
              node_selector:
                pool: executors
              tolerations:
                - {key: dedicated, operator: Equal, value: executors, effect: NoSchedule}
              image_pull_secrets: [mirror-pull]
              priority_class_name: executor-low
            """

        @Test("a mirror, node placement and no ephemeral storage: restricted, admitted by Kueue, schema-valid")
        func renderedPodIsValid() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            defer { TestSupport.removeDirectory(directory) }
            TestSupport.write(Self.configuration, to: directory + "/config.yaml")
            TestSupport.write(Integration.CommandLine.createCommand, to: directory + "/command.json")
            let output = directory + "/out.json"
            #expect(
                TestSupport.run(
                    [
                        TestSupport.supervisorBinary, "render", "--config", directory + "/config.yaml",
                        directory + "/command.json",
                    ], stdoutTo: output) == 0)
            let lines = (TestSupport.read(output) ?? "").split(separator: "\n").map(String.init)
            try #require(lines.count == 2)
            TestSupport.write(lines[0], to: directory + "/pod.json")
            TestSupport.write(lines[1], to: directory + "/configmap.json")

            let pod = try #require(try JSONParser().parse(lines[0]).objectValue)
            let spec = try #require(pod["spec"]?.objectValue)
            let container = try #require(spec["containers"]?.arrayValue?.first?.objectValue)
            #expect(container["image"]?.stringValue == "mirror.local/library/python:3.11-slim")
            #expect(spec["nodeSelector"]?.objectValue?["pool"]?.stringValue == "executors")
            #expect(spec["tolerations"]?.arrayValue?.count == 1)
            #expect(spec["imagePullSecrets"]?.arrayValue?.first?.objectValue?["name"]?.stringValue == "mirror-pull")
            #expect(spec["priorityClassName"]?.stringValue == "executor-low")
            let resources = container["resources"]?.objectValue
            #expect(resources?["requests"]?.objectValue?.keys == ["cpu", "memory"])
            #expect(resources?["limits"]?.objectValue?.keys == ["cpu", "memory"])

            // The simulator enforcing Pod Security "restricted" accepts it, and its Kueue model admits it.
            var simulatorConfiguration = SimulatorConfiguration(outputDirectory: directory + "/sim")
            simulatorConfiguration.namespaces = ["integr8scode"]
            simulatorConfiguration.namespaceLabels["integr8scode"] = [
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
            ]
            simulatorConfiguration.kueue = KueueAdmission()
            let simulator = try APISimulator(simulatorConfiguration)
            try simulator.start()
            defer { simulator.stop() }
            let client = try SimulatorClient(simulator: simulator)
            let created = try client.request(
                "POST", "/api/v1/namespaces/integr8scode/pods", body: Array(lines[0].utf8))
            #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
            let name = pod["metadata"]?.objectValue?["name"]?.stringValue ?? ""
            #expect(simulator.kueuePendingReason(namespace: "integr8scode", pod: name) == nil)
            // Kueue added no gate of its own: only the worker's, which it removes once the ConfigMap exists.
            let gates =
                simulator.object(namespace: "integr8scode", kind: "Pod", name: name)?["spec"]?.objectValue?[
                    "schedulingGates"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? []
            #expect(gates == ["integr8s.io/script"])

            // The API's schemas, strictly (unknown fields fail): the script installs kubernetes-validate itself.
            let validate = Self.repository + "/scripts/validate-manifests.sh"
            #expect(
                TestSupport.run(
                    ["/bin/bash", validate, directory + "/pod.json", directory + "/configmap.json"],
                    stdoutTo: directory + "/validate.out") == 0,
                "\(TestSupport.read(directory + "/validate.out") ?? "")")
            // And the check can fail: a field the API does not know.
            TestSupport.write(
                lines[0].replacing(#""stdin":false"#, with: #""stdin":false,"sandbox":true"#),
                to: directory + "/bad.json")
            #expect(
                TestSupport.run(["/bin/bash", validate, directory + "/bad.json"], stdoutTo: directory + "/bad.out") != 0
            )
        }
    }
}
