import Events
import KubeClient
import KubeManifests
import KubePreflight
import KubeSimulator
import Logging
import Observability
import SupervisorCore
import TestKit
import Testing

/// The image pre-puller against the simulator in RBAC mode with the shipped rbac.yaml: the simulator's DaemonSet
/// controller puts one Pod on its node, admitted by Pod Security like any Pod, and its kubelet model leaves
/// containers of unpullable images waiting in `ErrImagePull`.
@Suite struct ImagePrePullerTests {
    private var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    private static func configuration(_ adjust: (inout Configuration) -> Void = { _ in }) -> Configuration {
        var configuration = Configuration()
        configuration.workers.handler = .kubernetes
        configuration.kubernetes.namespace = "integr8scode"
        adjust(&configuration)
        return configuration
    }

    private static func daemonSet(_ cluster: ClusterHarness) -> JSONObject? {
        cluster.simulator.object(namespace: cluster.namespace, kind: "DaemonSet", name: PrePullerManifest.name)
    }

    private static func containers(_ object: JSONObject?, _ list: String = "containers") -> [JSONObject] {
        object?.value("spec.template.spec")?.objectValue?[list]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    /// Runs rounds until the DaemonSet's controller has placed its Pod and the status shows `desiredNodes` nodes.
    private static func settle(_ prePuller: ImagePrePuller, nodes: Int = 1) -> PrePullStatus? {
        var status: PrePullStatus?
        // Each round is three requests: poll at 50 ms, not at the 5 ms of state checks.
        _ = Poll.until(timeout: .seconds(10), every: .milliseconds(50)) {
            prePuller.runOnce()
            status = prePuller.lastStatus
            return status.map { $0.desiredNodes == nodes && $0.pods == nodes } ?? false
        }
        return status
    }

    @Test(
        "created at start: one container per registry image, restricted, all pulled on the node; no 403 under rbac.yaml"
    )
    func createdAtStart() throws {
        let cluster = try ClusterHarness()
        let configuration = Self.configuration()
        let images = try configuration.pod.registry().distinctImages
        let prePuller = try ImagePrePuller(client: cluster.client, configuration: configuration, logger: quiet)
        let status = try #require(Self.settle(prePuller))

        let daemonSet = try #require(Self.daemonSet(cluster))
        let containers = Self.containers(daemonSet)
        #expect(containers.map { $0["image"]?.stringValue ?? "" } == images)
        #expect(Self.containers(daemonSet, "initContainers").isEmpty)
        let template = try #require(daemonSet.value("spec.template")?.objectValue)
        #expect(
            PodSecurityRestricted().evaluate(metadata: template["metadata"], spec: template["spec"] ?? .null).isEmpty)
        #expect(status.complete == images.count && status.troubled.isEmpty, "\(status)")
        #expect(status.summary == "pre-pull \(images.count)/\(images.count) images on 1 node")
        #expect(prePuller.status == status.summary)
        #expect(cluster.simulator.authorizationDenials().isEmpty, "\(cluster.simulator.authorizationDenials())")
    }

    @Test("a registry change on reload replaces the DaemonSet: the new image is added, the ones that left are removed")
    func updatedOnReload() throws {
        let cluster = try ClusterHarness()
        let before = Self.configuration()
        let prePuller = try ImagePrePuller(client: cluster.client, configuration: before, logger: quiet)
        _ = try #require(Self.settle(prePuller))
        let firstGeneration = Self.daemonSet(cluster)?.value("metadata.generation")?.numberValue?.int64Value

        // The new configuration lists two runtimes only. On reload the `pod` section waits for a restart, so the
        // DaemonSet carries both tables' images; after the restart (a new pre-puller) only the new table's.
        let after = Self.configuration {
            $0.pod.runtimesMode = .replace
            $0.pod.runtimes = [
                PodPolicy.Runtime(language: "python", version: "3.13", image: "python:3.13-slim"),
                PodPolicy.Runtime(language: "node", version: "22", image: "node:22-alpine"),
            ]
        }
        prePuller.reloaded(loaded: after, inForce: before)
        prePuller.runOnce()
        let union = Set(try before.pod.registry().distinctImages + ["python:3.13-slim", "node:22-alpine"])
        #expect(Set(Self.containers(Self.daemonSet(cluster)).compactMap { $0["image"]?.stringValue }) == union)
        #expect(
            Self.daemonSet(cluster)?.value("metadata.generation")?.numberValue?.int64Value != firstGeneration)

        let restarted = try ImagePrePuller(client: cluster.client, configuration: after, logger: quiet)
        let status = try #require(Self.settle(restarted))
        #expect(
            Self.containers(Self.daemonSet(cluster)).compactMap { $0["image"]?.stringValue } == [
                "node:22-alpine", "python:3.13-slim",
            ])
        #expect(status.complete == 2, "\(status)")
        // The old generation's Pod gave way to the new one.
        let pods = cluster.pods().filter {
            $0.value("metadata.labels.name")?.stringValue == PrePullerManifest.name
        }
        #expect(pods.count == 1)
        #expect(cluster.simulator.authorizationDenials().isEmpty, "\(cluster.simulator.authorizationDenials())")
    }

    @Test("an image that cannot be pulled is reported on its own, in STATUS and metrics; the others are pulled")
    func perImageStatus() throws {
        let cluster = try ClusterHarness { $0.unpullableImages = ["python:3.11-slim"] }
        let configuration = Self.configuration()
        let images = try configuration.pod.registry().distinctImages
        let prePuller = try ImagePrePuller(client: cluster.client, configuration: configuration, logger: quiet)
        let status = try #require(Self.settle(prePuller))

        #expect(status.troubled.map(\.image) == ["python:3.11-slim"])
        #expect(status.troubled.first?.reason == "ErrImagePull")
        #expect(status.complete == images.count - 1)
        #expect(
            prePuller.status
                == "pre-pull \(images.count - 1)/\(images.count) images on 1 node; failing python:3.11-slim (ErrImagePull, 1 node)"
        )
        let family = try #require(prePuller.metricFamilies().first { $0.name == "k8s_worker_prepull_image_nodes" })
        func value(_ image: String, _ state: String) -> Double? {
            family.samples.first {
                $0.labels.contains(MetricLabel("image", image)) && $0.labels.contains(MetricLabel("state", state))
            }?.value
        }
        #expect(value("python:3.11-slim", "failing") == 1)
        #expect(value("python:3.11-slim", "pulled") == 0)
        #expect(value("node:18-alpine", "pulled") == 1)
    }

    @Test("upstream's DaemonSet (init containers, a pause container) is taken over by a replace: none of it is left")
    func takesOverUpstreams() throws {
        let cluster = try ClusterHarness()
        let upstream: JSONValue = try JSONParser().parse(
            Array(
                #"""
                {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"runtime-image-pre-puller","namespace":"integr8scode"},
                 "spec":{"selector":{"matchLabels":{"name":"runtime-image-pre-puller"}},
                  "template":{"metadata":{"labels":{"name":"runtime-image-pre-puller"}},
                   "spec":{"initContainers":[{"name":"pull-0-python-3-11-slim","image":"python:3.11-slim",
                            "command":["/bin/sh","-c","echo \"Image python:3.11-slim pulled.\""],"imagePullPolicy":"Always"}],
                           "containers":[{"name":"pause","image":"registry.k8s.io/pause:3.9"}],
                           "tolerations":[{"operator":"Exists"}]}},
                  "updateStrategy":{"type":"RollingUpdate"}}}
                """#.utf8))
        let admin = try SimulatorClient(simulator: cluster.simulator, token: cluster.simulator.adminToken)
        #expect(
            try admin.request("POST", "/apis/apps/v1/namespaces/integr8scode/daemonsets", json: upstream).status == 201)

        let prePuller = try ImagePrePuller(
            client: cluster.client, configuration: Self.configuration(), logger: quiet)
        _ = try #require(Self.settle(prePuller))
        let daemonSet = try #require(Self.daemonSet(cluster))
        #expect(Self.containers(daemonSet, "initContainers").isEmpty)
        #expect(!Self.containers(daemonSet).contains { $0["name"]?.stringValue == "pause" })
        #expect(daemonSet.value("spec.template.spec.tolerations") == nil)
        #expect(PrePullerManifest.digest(in: .object(daemonSet)) != nil)
        #expect(cluster.simulator.authorizationDenials().isEmpty, "\(cluster.simulator.authorizationDenials())")
    }

    @Test("without the DaemonSet rule the pre-puller reports 'forbidden by RBAC' and counts it; nothing else stops")
    func forbiddenIsReported() throws {
        let shipped = RepositoryFile.text("deploy/kubernetes/rbac.yaml")
        let withoutRule = shipped.replacing(#"resources: ["daemonsets"]"#, with: #"resources: ["replicasets"]"#)
        try #require(withoutRule != shipped)
        let cluster = try ClusterHarness { configuration in
            configuration.authorization = AuthorizationConfiguration(rbac: [
                RBACPolicySource(.text(withoutRule, name: "rbac.yaml without the DaemonSet rule"))
            ])
        }
        let prePuller = try ImagePrePuller(
            client: cluster.client, configuration: Self.configuration(), logger: quiet)
        prePuller.runOnce()
        #expect(prePuller.status?.hasPrefix("pre-pull: forbidden by RBAC") == true, "\(prePuller.status ?? "nil")")
        #expect(
            prePuller.metricFamilies().first { $0.name == "k8s_worker_prepull_failures_total" }?.samples.first?.value
                == 1)
        #expect(Self.daemonSet(cluster) == nil)
    }

    @Test("stop() does not wait for an API server that takes 20 s to answer a round")
    func stopIsPrompt() throws {
        let cluster = try ClusterHarness()
        var faults = FaultConfiguration()
        faults.latency = .seconds(20)
        cluster.simulator.setFaults(faults)
        let prePuller = try ImagePrePuller(
            client: cluster.client, configuration: Self.configuration(), logger: quiet)
        try prePuller.start()
        // The first round's GET has reached the simulator (its connection was accepted) and waits out the latency.
        #expect(
            Poll.until(timeout: .seconds(5), every: .milliseconds(5)) {
                cluster.simulator.counters.connectionsAccepted > 0
            })
        let clock = ContinuousClock()
        let started = clock.now
        prePuller.stop()
        #expect(clock.now - started < .seconds(5))
        cluster.simulator.resetFaults()
    }

    @Test("kubernetes.pre_pull_images false: no call at all, and no STATUS part")
    func disabled() throws {
        let cluster = try ClusterHarness()
        let before = cluster.simulator.nextRequestSequence
        let prePuller = try ImagePrePuller(
            client: cluster.client, configuration: Self.configuration { $0.kubernetes.prePullImages = false },
            logger: quiet)
        prePuller.runOnce()
        #expect(cluster.simulator.requests(after: before - 1).isEmpty)
        #expect(prePuller.status == nil)
        #expect(Self.daemonSet(cluster) == nil)
    }
}

extension JSONObject {
    /// Test shorthand: the value at a dotted path (`metadata.labels.name`).
    fileprivate func value(_ dotted: String) -> JSONValue? {
        var current: JSONValue = .object(self)
        for part in dotted.split(separator: ".") {
            guard let next = current.objectValue?[String(part)] else { return nil }
            current = next
        }
        return current
    }
}
