import Events
import KubeManifests
import Testing

/// The image pre-puller's DaemonSet (``PrePullerManifest``) and the reading of its Pods (``PrePullStatus``).
@Suite("Image pre-puller: the DaemonSet and per-image status")
struct PrePullerManifestTests {
    private static func settings(_ change: (inout ManifestSettings) -> Void = { _ in }) -> ManifestSettings {
        var settings = ManifestSettings(namespace: "integr8scode")
        change(&settings)
        return settings
    }

    private static func containers(_ object: KubeObject) -> [JSONValue] {
        object.body["spec"]["template"]["spec"]["containers"]?.arrayValue ?? []
    }

    @Test("one container per distinct registry image, named from the image, restricted, upstream's name and selector")
    func shape() throws {
        let images = RuntimeRegistry.upstream.distinctImages
        let daemonSet = PrePullerManifest.build(images: images, settings: Self.settings())
        #expect(daemonSet.name == "runtime-image-pre-puller" && daemonSet.kind == "DaemonSet")
        #expect(
            daemonSet.body["spec"]["selector"]
                == .object(
                    JSONObject(pairs: [
                        "matchLabels": .object(JSONObject(pairs: ["name": .string("runtime-image-pre-puller")]))
                    ])))
        let containers = Self.containers(daemonSet)
        #expect(containers.map { $0["image"]?.stringValue ?? "" } == images)
        let names = containers.compactMap { $0["name"]?.stringValue }
        #expect(Set(names).count == images.count)
        #expect(names.allSatisfy { KubernetesNames.isDNS1123Label($0) && $0.utf8.count <= 63 }, "\(names)")
        #expect(daemonSet.body["spec"]["template"]["spec"]["initContainers"] == nil)
        #expect(daemonSet.body["spec"]["template"]["spec"]["automountServiceAccountToken"] == .bool(false))
        let template = daemonSet.body["spec"]["template"]
        let violations = PodSecurityRestricted().evaluate(
            metadata: template?["metadata"], spec: template?["spec"] ?? .null)
        #expect(violations.isEmpty, "\(violations)")
        // Requests are tiny: the whole Pod asks for less than one executor's default.
        #expect(containers.allSatisfy { $0["resources"]["requests"]["memory"]?.stringValue == "4Mi" })
    }

    @Test("container names are stable per image and distinct for images that differ only in punctuation")
    func names() {
        #expect(
            PrePullerManifest.containerName(for: "python:3.11-slim")
                == PrePullerManifest.containerName(for: "python:3.11-slim"))
        #expect(PrePullerManifest.containerName(for: "python:3.11-slim").hasPrefix("pull-python-3-11-slim-"))
        #expect(PrePullerManifest.containerName(for: "a/b:c") != PrePullerManifest.containerName(for: "a-b:c"))
        let long =
            "registry.example.com/" + String(repeating: "very-long-path/", count: 10) + "python:3.11@sha256:"
            + String(repeating: "ab", count: 32)
        let name = PrePullerManifest.containerName(for: long)
        #expect(KubernetesNames.isDNS1123Label(name) && name.utf8.count <= 63, "\(name)")
    }

    @Test("placement, pull secrets and pull policy are the executors'; the mirror rewrite shows in the images")
    func placement() throws {
        var policy = PodPolicy()
        policy.imagePrefixRewrite = ImageRewrite(from: "docker.io/", to: "mirror.local/")
        policy.nodeSelector = ["sandbox": "true"]
        policy.tolerations = [Toleration(key: "sandbox", operator: .exists, effect: .noSchedule)]
        policy.imagePullSecrets = ["mirror-pull"]
        policy.imagePullPolicy = .always
        let settings = policy.apply(to: Self.settings())
        let daemonSet = PrePullerManifest.build(images: try policy.registry().distinctImages, settings: settings)
        let spec = daemonSet.body["spec"]["template"]["spec"]
        #expect(spec?["nodeSelector"]["sandbox"]?.stringValue == "true")
        #expect(spec?["tolerations"][0]["key"]?.stringValue == "sandbox")
        #expect(spec?["imagePullSecrets"][0]["name"]?.stringValue == "mirror-pull")
        let containers = Self.containers(daemonSet)
        #expect(containers.allSatisfy { $0["imagePullPolicy"]?.stringValue == "Always" })
        #expect(containers.allSatisfy { $0["image"]?.stringValue?.hasPrefix("mirror.local/") == true })
    }

    @Test("the digest annotation changes with the images and only with them")
    func digest() {
        let one = PrePullerManifest.build(images: ["a:1", "b:1"], settings: Self.settings())
        let same = PrePullerManifest.build(images: ["a:1", "b:1"], settings: Self.settings())
        let other = PrePullerManifest.build(images: ["a:1"], settings: Self.settings())
        #expect(PrePullerManifest.digest(in: one.body) != nil)
        #expect(PrePullerManifest.digest(in: one.body) == PrePullerManifest.digest(in: same.body))
        #expect(PrePullerManifest.digest(in: one.body) != PrePullerManifest.digest(in: other.body))
    }

    private static func pod(_ statuses: [(String, String)]) -> JSONValue {
        let containerStatuses: [JSONValue] = statuses.map { image, state in
            let name = JSONValue.string(PrePullerManifest.containerName(for: image))
            let stateValue: JSONValue =
                switch state {
                case "running": .object(JSONObject(pairs: ["running": .object(JSONObject())]))
                case "terminated":
                    .object(JSONObject(pairs: ["terminated": .object(JSONObject(pairs: ["reason": .string("Error")]))]))
                default:
                    .object(JSONObject(pairs: ["waiting": .object(JSONObject(pairs: ["reason": .string(state)]))]))
                }
            return .object(JSONObject(pairs: ["name": name, "state": stateValue]))
        }
        return .object(
            JSONObject(pairs: ["status": .object(JSONObject(pairs: ["containerStatuses": .array(containerStatuses)]))]))
    }

    @Test(
        "per image and node: running is pulled, ErrImagePull and back-off fail, a crash is not runnable, the rest pull")
    func status() {
        let images = ["a:1", "b:1", "c:1", "d:1"]
        let pods = [
            Self.pod([
                ("a:1", "running"), ("b:1", "ErrImagePull"), ("c:1", "CrashLoopBackOff"), ("d:1", "ContainerCreating"),
            ]),
            Self.pod([("a:1", "running"), ("b:1", "ImagePullBackOff"), ("c:1", "terminated")]),
            .object(JSONObject()),
        ]
        let status = PrePullStatus(images: images, pods: pods, desiredNodes: 3)
        #expect(status.images.map { $0.count(.pulled) } == [2, 0, 0, 0])
        #expect(status.images.map { $0.count(.failing) } == [0, 2, 0, 0])
        #expect(status.images.map { $0.count(.notRunnable) } == [0, 0, 2, 0])
        #expect(status.images.map { $0.count(.pulling) } == [1, 1, 1, 3])
        #expect(status.troubled.map(\.image) == ["b:1", "c:1"])
        #expect(status.complete == 0)
        #expect(
            status.summary
                == "pre-pull 0/4 images on 3 nodes; failing b:1 (ImagePullBackOff, 2 nodes), c:1 (Error, 2 nodes)")
        let done = PrePullStatus(images: ["a:1"], pods: [Self.pod([("a:1", "running")])], desiredNodes: 1)
        #expect(done.summary == "pre-pull 1/1 images on 1 node")
    }
}
