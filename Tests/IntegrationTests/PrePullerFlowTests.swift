import Events
import Glibc
import KubeSimulator
import TestKit
import Testing

extension Integration {
    /// `k8s-worker run` with the Kubernetes handler keeps the DaemonSet `runtime-image-pre-puller`, under the
    /// shipped rbac.yaml.
    @Suite struct PrePullerFlow {
        static func images(_ simulator: APISimulator) -> [String] {
            let daemonSet = simulator.object(
                namespace: "integr8scode", kind: "DaemonSet", name: "runtime-image-pre-puller")
            let containers =
                daemonSet?["spec"]?.objectValue?["template"]?.objectValue?["spec"]?.objectValue?["containers"]?
                .arrayValue ?? []
            return containers.compactMap { $0.objectValue?["image"]?.stringValue }
        }

        /// `pre-pull N/N images on 1 node` in a STATUS line.
        static func allPulled(_ status: String?) -> Bool {
            guard let status, let range = status.range(of: "pre-pull ") else { return false }
            let rest = status[range.upperBound...].prefix { $0 != "," }
            let parts = rest.split(separator: " ")
            guard parts.count >= 5, parts[1] == "images", parts[4].hasPrefix("node") else { return false }
            let counts = parts[0].split(separator: "/")
            return counts.count == 2 && counts[0] == counts[1] && parts[3] == "1"
        }

        @Test(
            "created at start with one container per runtime image, schema-valid, all pulled per STATUS; a registry change on SIGHUP adds its image"
        )
        func createdAtStartUpdatedOnReload() throws {
            let directory = TestSupport.makeTemporaryDirectory()
            let simulator = try KubernetesFlow.simulator(directory)
            defer {
                simulator.stop()
                TestSupport.removeDirectory(directory)
            }
            let config = KubernetesFlow.kubernetesConfig(simulator)
            let supervisor = SupervisorProcess(config: config, commands: [])
            supervisor.start()
            #expect(
                TestSupport.eventually(within: 20) { !Self.images(simulator).isEmpty },
                "\(supervisor.log().suffix(2000))")
            let images = Self.images(simulator)
            #expect(Set(images).count == images.count && images.contains("python:3.11-slim"))
            // The DaemonSet as stored, against the API's own schemas, strictly (unknown fields fail).
            let daemonSet = try #require(
                simulator.object(namespace: "integr8scode", kind: "DaemonSet", name: "runtime-image-pre-puller"))
            TestSupport.write(
                String(decoding: JSONWriter.encode(.object(daemonSet)), as: UTF8.self), to: directory + "/ds.json")
            #expect(
                TestSupport.run(
                    [
                        "/bin/bash", RenderPodPolicy.repository + "/scripts/validate-manifests.sh",
                        directory + "/ds.json",
                    ],
                    stdoutTo: directory + "/validate.out") == 0,
                "\(TestSupport.read(directory + "/validate.out") ?? "")")
            let pulled = supervisor.notify.waitFor(20) { Self.allPulled($0.fields["STATUS"]) }
            #expect(pulled != nil, "\(supervisor.notify.received.compactMap { $0.fields["STATUS"] }.suffix(3))")

            supervisor.writeConfig(
                config + """
                    pod:
                      runtimes:
                        - {language: python, version: "3.13", image: "python:3.13-slim"}

                    """)
            supervisor.signal(SIGHUP)
            #expect(
                TestSupport.eventually(within: 20) { Self.images(simulator).contains("python:3.13-slim") },
                "\(supervisor.log().suffix(2000))")
            #expect(Set(Self.images(simulator)) == Set(images + ["python:3.13-slim"]))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 15) == 0)
            #expect(simulator.authorizationDenials().isEmpty, "403s: \(simulator.authorizationDenials())")
        }
    }
}
