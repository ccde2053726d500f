import Events

/// The image pre-puller: the DaemonSet `runtime-image-pre-puller` that keeps every runtime image on every node
/// executor Pods can land on, so that no execution spends its deadline pulling (README, "Image pre-puller").
///
/// Upstream's worker applied a DaemonSet of that name at start: one init container per image running
/// `/bin/sh -c 'echo …'`, then a `pause` container, tolerating every taint. Init containers run one after
/// the other, so one image that cannot be pulled (or has no `/bin/sh`) stops every image after it, and the
/// Pod never says which. Here each image is a regular container of its own: the kubelet pulls and starts them
/// independently, a failing pull leaves the others running, and each container's status is that image's status
/// on that node (``PrePullStatus``). The name and the selector (`name: runtime-image-pre-puller`, immutable in a
/// DaemonSet) are upstream's, so the worker takes over upstream's DaemonSet in place.
///
/// Placement is the executor Pods' own (`nodeSelector`, `tolerations`, `runtimeClassName`, `imagePullSecrets`,
/// pull policy): an image is pulled where an execution can run, and not on nodes none can reach (upstream
/// tolerated every taint). The Pod meets the restricted Pod Security profile like the executors (non-root
/// 1000, no privilege escalation, every capability dropped, RuntimeDefault seccomp, read-only root, no token,
/// no service links, no volumes) and asks for almost nothing: each container runs the image's `/bin/sh` waiting
/// on `sleep` (executor images need `/bin/sh` for the entrypoint anyway).
public enum PrePullerManifest {
    /// `runtime-image-pre-puller` (upstream's).
    public static let name = "runtime-image-pre-puller"
    /// Value of `component` on the DaemonSet and its Pods.
    public static let component = "image-pre-puller"
    /// The selector label (upstream's `name: runtime-image-pre-puller`).
    public static let selectorLabel = "name"
    /// The annotation carrying ``digest(of:)`` of the wanted DaemonSet, so an unchanged one is not rewritten.
    public static let digestAnnotation = "integr8s.io/pre-puller-digest"
    /// `labelSelector` for the DaemonSet's Pods.
    public static let podSelector = "\(selectorLabel)=\(name)"
    /// What each container runs: wait for SIGTERM without spinning (a trapped signal ends `wait` at once, POSIX
    /// "Signals and Error Handling"), so a rolling update or a delete stops the Pod promptly.
    public static let command = ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"]
    /// Per container: CPU request and limit.
    public static let cpuRequest = "1m"
    public static let cpuLimit = "50m"
    /// Per container: memory request and limit (a shell and a `sleep`).
    public static let memoryRequest = "4Mi"
    public static let memoryLimit = "16Mi"

    /// The collection the DaemonSet lives in.
    public static func collectionPath(namespace: String) -> String {
        "/apis/apps/v1/namespaces/\(namespace)/daemonsets"
    }

    /// The DaemonSet's own path.
    public static func path(namespace: String) -> String { collectionPath(namespace: namespace) + "/" + name }

    /// The container name for `image`: readable, a DNS-1123 label, and distinct for distinct images (the end is a
    /// hash of the whole reference). The same image always gets the same name, so adding a runtime does not rename
    /// the others.
    public static func containerName(for image: String) -> String {
        var readable = ""
        var lastWasDash = false
        for byte in image.utf8 {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if KubernetesNames.isLowerAlphanumeric(lower) {
                readable.unicodeScalars.append(Unicode.Scalar(lower))
                lastWasDash = false
            } else if !lastWasDash && !readable.isEmpty {
                readable.append("-")
                lastWasDash = true
            }
            if readable.utf8.count >= 44 { break }
        }
        while readable.hasSuffix("-") { readable.removeLast() }
        let hash = String(SHA256.hash(Array(image.utf8)).hex.prefix(8))
        return "pull-" + (readable.isEmpty ? "" : readable + "-") + hash
    }

    /// The DaemonSet that pre-pulls `images` (distinct, in order) under `settings`' placement, with
    /// ``digestAnnotation`` set.
    public static func build(images: [String], settings: ManifestSettings) -> KubeObject {
        let unsigned = body(images: images, settings: settings, digest: nil)
        let digest = digest(of: unsigned)
        return KubeObject(
            apiVersion: "apps/v1", kind: "DaemonSet", name: name, namespace: settings.namespace,
            body: body(images: images, settings: settings, digest: digest))
    }

    /// The hex SHA-256 of a body's bytes (``JSONWriter`` is deterministic).
    static func digest(of body: JSONValue) -> String { SHA256.hash(JSONWriter.encode(body)).hex }

    /// The ``digestAnnotation`` of a DaemonSet as stored, or `nil` (not written by this worker).
    public static func digest(in daemonSet: JSONValue) -> String? {
        daemonSet[member: "metadata"]?[member: "annotations"]?[member: digestAnnotation]?.stringValue
    }

    /// The body of a `PUT` replacing `live` by `desired`: `desired` with `live`'s `resourceVersion`, so the
    /// replace is refused (409) if the DaemonSet changed since it was read.
    public static func replacement(_ desired: KubeObject, of live: JSONValue) -> [UInt8] {
        guard case .object(var body) = desired.body, var metadata = body["metadata"]?.objectValue,
            let version = live[member: "metadata"]?[member: "resourceVersion"]?.stringValue
        else { return desired.json }
        metadata.set("resourceVersion", .string(version))
        body.set("metadata", .object(metadata))
        return JSONWriter.encode(.object(body))
    }

    /// `status.desiredNumberScheduled` of a DaemonSet: the nodes it should run on (0 before its controller saw it).
    public static func desiredNodes(of daemonSet: JSONValue) -> Int {
        daemonSet[member: "status"]?[member: "desiredNumberScheduled"]?.numberValue?.int64Value.map { Int($0) } ?? 0
    }

    /// Container name → image, for reading the Pods' container statuses.
    public static func imagesByContainer(_ images: [String]) -> [String: String] {
        var map: [String: String] = [:]
        for image in images { map[containerName(for: image)] = image }
        return map
    }

    private static func body(images: [String], settings: ManifestSettings, digest: String?) -> JSONValue {
        let labels: [(String, String)] = [
            (selectorLabel, name),
            (ManifestLabels.app, ManifestLabels.appValue),
            (ManifestLabels.component, component),
        ]
        var metadata = JSONObject()
        metadata.append("name", .text(name))
        metadata.append("namespace", .text(settings.namespace))
        metadata.append("labels", .stringMap(labels))
        if let digest {
            metadata.append(
                "annotations",
                .stringMap([
                    (ManifestLabels.createdByAnnotation, ManifestLabels.createdByValue), (digestAnnotation, digest),
                ]))
        }

        var spec = JSONObject()
        spec.append("automountServiceAccountToken", .bool(false))
        spec.append("enableServiceLinks", .bool(false))
        spec.append("hostIPC", .bool(false))
        spec.append("hostNetwork", .bool(false))
        spec.append("hostPID", .bool(false))
        spec.append("terminationGracePeriodSeconds", .integer(5))
        if let nameservers = settings.dnsNameservers {
            spec.append("dnsPolicy", .text("None"))
            spec.append("dnsConfig", .members(["nameservers": .texts(nameservers)]))
        }
        if let runtimeClass = settings.runtimeClassName { spec.append("runtimeClassName", .text(runtimeClass)) }
        PodManifest.appendPlacement(settings, to: &spec)
        spec.append(
            "securityContext",
            .members([
                "runAsGroup": .integer(PodManifest.userID),
                "runAsNonRoot": .bool(true),
                "runAsUser": .integer(PodManifest.userID),
                "seccompProfile": .members(["type": .text("RuntimeDefault")]),
            ]))
        spec.append("containers", .array(images.map { container($0, settings: settings) }))

        return .members([
            "apiVersion": .text("apps/v1"),
            "kind": .text("DaemonSet"),
            "metadata": .object(metadata),
            "spec": .members([
                "selector": .members(["matchLabels": .stringMap([(selectorLabel, name)])]),
                "updateStrategy": .members([
                    "type": .text("RollingUpdate"),
                    // A Pod being replaced only stops keeping images warm; the images stay on the node.
                    "rollingUpdate": .members(["maxUnavailable": .text("25%")]),
                ]),
                "template": .members([
                    "metadata": .members(["labels": .stringMap(labels)]),
                    "spec": .object(spec),
                ]),
            ]),
        ])
    }

    private static func container(_ image: String, settings: ManifestSettings) -> JSONValue {
        var container = JSONObject()
        container.append("name", .text(containerName(for: image)))
        container.append("image", .text(image))
        if let policy = settings.imagePullPolicy { container.append("imagePullPolicy", .text(policy.rawValue)) }
        container.append("command", .texts(command))
        container.append(
            "resources",
            .members([
                "limits": .members(["cpu": .text(cpuLimit), "memory": .text(memoryLimit)]),
                "requests": .members(["cpu": .text(cpuRequest), "memory": .text(memoryRequest)]),
            ]))
        container.append("securityContext", PodManifest.containerSecurityContext)
        container.append("terminationMessagePolicy", .text("FallbackToLogsOnError"))
        return .object(container)
    }
}
