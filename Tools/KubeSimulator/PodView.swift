import Events

/// A read-only view of a pod spec with its containers in PSA's visiting order (init, regular, ephemeral).
struct PodView {
    let spec: JSONObject
    let containers: [JSONObject]
    let podContext: JSONObject?

    init(spec: JSONObject) {
        self.spec = spec
        containers = ["initContainers", "containers", "ephemeralContainers"].flatMap {
            spec.array($0)?.compactMap(\.objectValue) ?? []
        }
        podContext = spec.object("securityContext")
    }

    /// Whether the pod opts out of host user namespaces (`hostUsers: false`).
    var usesUserNamespace: Bool { spec.bool("hostUsers") == false }
}
