/// How a list field merges, by its path of field names (list indices left out): the `patchMergeKey` /
/// `listMapKeys` tags of the Kubernetes types the simulator serves.
enum MergeKeys {
    /// How one list merges.
    enum Strategy: Equatable {
        /// Replaced as a whole.
        case atomic
        /// Elements are objects matched by these keys.
        case map([String])
        /// Elements are scalars forming a set.
        case set
    }

    /// The strategy for the list at `path` (e.g. `["spec", "containers"]`).
    static func strategy(for path: [String], forApply: Bool = false) -> Strategy {
        guard let last = path.last else { return .atomic }
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        let containerLists: Set<String> = ["containers", "initContainers", "ephemeralContainers"]
        switch last {
        case "containers", "initContainers", "ephemeralContainers":
            return parent == "spec" ? .map(["name"]) : .atomic
        case "env", "resizePolicy", "resourceClaims":
            return containerLists.contains(parent) || parent == "spec" ? .map(["name"]) : .atomic
        case "volumeMounts":
            return containerLists.contains(parent) ? .map(["mountPath"]) : .atomic
        case "volumeDevices":
            return containerLists.contains(parent) ? .map(["devicePath"]) : .atomic
        case "ports":
            guard containerLists.contains(parent) else { return .atomic }
            return forApply ? .map(["containerPort", "protocol"]) : .map(["containerPort"])
        case "volumes", "imagePullSecrets", "schedulingGates":
            return parent == "spec" ? .map(["name"]) : .atomic
        case "hostAliases":
            return parent == "spec" ? .map(["ip"]) : .atomic
        case "topologySpreadConstraints":
            return parent == "spec" ? .map(["topologyKey", "whenUnsatisfiable"]) : .atomic
        case "ownerReferences":
            return parent == "metadata" ? .map(["uid"]) : .atomic
        case "finalizers":
            return parent == "metadata" ? .set : .atomic
        case "conditions":
            return parent == "status" ? .map(["type"]) : .atomic
        default:
            return .atomic
        }
    }
}
