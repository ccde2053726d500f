import Events

/// What the API server fills in on a Pod at create (defaulting plus the default admission plugins).
enum PodDefaults {
    /// Applies defaults to `pod` in place.
    static func apply(to pod: inout JSONObject) {
        var spec = pod.object("spec") ?? JSONObject()
        setIfMissing(&spec, "restartPolicy", .string("Always"))
        setIfMissing(&spec, "terminationGracePeriodSeconds", .integer(30))
        setIfMissing(&spec, "dnsPolicy", .string("ClusterFirst"))
        setIfMissing(&spec, "securityContext", .object(JSONObject()))
        setIfMissing(&spec, "schedulerName", .string("default-scheduler"))
        setIfMissing(&spec, "enableServiceLinks", .bool(true))
        let account = spec.string("serviceAccountName") ?? spec.string("serviceAccount") ?? "default"
        spec.set("serviceAccountName", .string(account))
        spec.set("serviceAccount", .string(account))
        setIfMissing(&spec, "priority", .integer(0))
        setIfMissing(&spec, "preemptionPolicy", .string("PreemptLowerPriority"))
        var tolerations = spec.array("tolerations") ?? []
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
        where !tolerations.contains(where: { $0.objectValue?.string("key") == key }) {
            tolerations.append(
                .object(
                    JSONObject([
                        .init(key: "key", value: .string(key)), .init(key: "operator", value: .string("Exists")),
                        .init(key: "effect", value: .string("NoExecute")),
                        .init(key: "tolerationSeconds", value: .integer(300)),
                    ])))
        }
        spec.set("tolerations", .array(tolerations))
        for list in ["initContainers", "containers"] {
            guard let containers = spec.array(list) else { continue }
            spec.set(list, .array(containers.map { .object(defaultContainer($0.objectValue ?? JSONObject())) }))
        }
        if let volumes = spec.array("volumes") {
            spec.set("volumes", .array(volumes.map { .object(defaultVolume($0.objectValue ?? JSONObject())) }))
        }
        pod.set("spec", .object(spec))
    }

    /// The QoS class of a (defaulted) pod: Guaranteed, Burstable or BestEffort.
    static func qosClass(_ spec: JSONObject) -> String {
        let containers = (spec.array("containers") ?? []) + (spec.array("initContainers") ?? [])
        var anyResource = false
        var guaranteed = true
        for container in containers {
            let resources = container.objectValue?.object("resources") ?? JSONObject()
            let requests = resources.object("requests")?.stringMap ?? [:]
            let limits = resources.object("limits")?.stringMap ?? [:]
            if !requests.isEmpty || !limits.isEmpty { anyResource = true }
            for name in ["cpu", "memory"] {
                guard let limit = limits[name].flatMap(Quantity.init),
                    let request = (requests[name] ?? limits[name]).flatMap(Quantity.init),
                    limit == request
                else {
                    guaranteed = false
                    continue
                }
            }
        }
        if !anyResource { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }

    private static func defaultContainer(_ input: JSONObject) -> JSONObject {
        var container = input
        setIfMissing(&container, "terminationMessagePath", .string("/dev/termination-log"))
        setIfMissing(&container, "terminationMessagePolicy", .string("File"))
        if container["imagePullPolicy"] == nil {
            let image = container.string("image") ?? ""
            let lastSegment = image.split(separator: "/").last.map(String.init) ?? image
            let tag =
                lastSegment.contains("@")
                ? "digest" : lastSegment.split(separator: ":").dropFirst().first.map(String.init)
            container.set("imagePullPolicy", .string(tag == nil || tag == "latest" ? "Always" : "IfNotPresent"))
        }
        var resources = container.object("resources") ?? JSONObject()
        if let limits = resources.object("limits") {
            var requests = resources.object("requests") ?? JSONObject()
            for member in limits.members where requests[member.key] == nil { requests.append(member.key, member.value) }
            resources.set("requests", .object(requests))
        }
        container.set("resources", .object(resources))
        if let ports = container.array("ports") {
            container.set(
                "ports",
                .array(
                    ports.map { port in
                        var object = port.objectValue ?? JSONObject()
                        setIfMissing(&object, "protocol", .string("TCP"))
                        return .object(object)
                    }))
        }
        return container
    }

    private static func defaultVolume(_ input: JSONObject) -> JSONObject {
        var volume = input
        for source in ["configMap", "secret"] {
            guard var object = volume.object(source) else { continue }
            setIfMissing(&object, "defaultMode", .integer(420))
            volume.set(source, .object(object))
        }
        return volume
    }

    private static func setIfMissing(_ object: inout JSONObject, _ key: String, _ value: JSONValue) {
        if object[key] == nil || object[key]?.isNull == true { object.set(key, value) }
    }
}
