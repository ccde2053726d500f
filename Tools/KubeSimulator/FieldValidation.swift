import Events

/// `fieldValidation` (Ignore, Warn — the default — or Strict): unknown fields in a request body are dropped
/// silently, reported in `Warning` headers, or rejected with 400. The simulator knows the fields of object
/// metadata, the top level of every served kind, and the Pod spec down to containers and security contexts
/// (where a typo would silently drop a security setting); deeper fields are not checked.
enum FieldValidation: String, Sendable {
    case ignore = "Ignore"
    case warn = "Warn"
    case strict = "Strict"

    private static let metadata: Set<String> = Set(ObjectShape.metadataOrder)
    private static let podSpec: Set<String> = [
        "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
        "terminationGracePeriodSeconds",
        "activeDeadlineSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName", "serviceAccount",
        "automountServiceAccountToken",
        "nodeName", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext", "imagePullSecrets",
        "hostname",
        "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority",
        "dnsConfig",
        "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
        "topologySpreadConstraints",
        "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates", "resourceClaims", "resources",
    ]
    private static let container: Set<String> = [
        "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources", "resizePolicy",
        "restartPolicy",
        "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
        "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
        "targetContainerName",
    ]
    private static let containerSecurity: Set<String> = [
        "capabilities", "privileged", "seLinuxOptions", "windowsOptions", "runAsUser", "runAsGroup", "runAsNonRoot",
        "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount", "seccompProfile", "appArmorProfile",
    ]
    private static let podSecurity: Set<String> = [
        "seLinuxOptions", "windowsOptions", "runAsUser", "runAsGroup", "runAsNonRoot", "supplementalGroups",
        "supplementalGroupsPolicy", "fsGroup", "sysctls", "fsGroupChangePolicy", "seccompProfile", "appArmorProfile",
        "seLinuxChangePolicy",
    ]

    /// Parses the query value; `nil` when it is not one of the three.
    init?(query: String?) {
        guard let query else {
            self = .warn
            return
        }
        self.init(rawValue: query)
    }

    /// Unknown fields of `object` as paths (`spec.containers[0].securityContext.runAsNonroot`).
    static func unknownFields(_ object: JSONObject, _ resource: ResourceKind) -> [String] {
        var topLevel: Set<String> = ["apiVersion", "kind", "metadata"]
        switch resource {
        case .configMaps: topLevel.formUnion(["data", "binaryData", "immutable"])
        case .networkPolicies: topLevel.insert("spec")
        case .roles: topLevel.insert("rules")
        case .clusterRoles: topLevel.formUnion(["rules", "aggregationRule"])
        case .roleBindings, .clusterRoleBindings: topLevel.formUnion(["subjects", "roleRef"])
        default: topLevel.formUnion(["spec", "status"])
        }
        var unknown = unknownKeys(object, topLevel, prefix: "")
        unknown += unknownKeys(object.object("metadata") ?? JSONObject(), metadata, prefix: "metadata.")
        guard resource == .pods, let spec = object.object("spec") else { return unknown }
        unknown += unknownKeys(spec, podSpec, prefix: "spec.")
        unknown += unknownKeys(
            spec.object("securityContext") ?? JSONObject(), podSecurity, prefix: "spec.securityContext.")
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for (index, item) in (spec.array(list) ?? []).enumerated() {
                let entry = item.objectValue ?? JSONObject()
                unknown += unknownKeys(entry, container, prefix: "spec.\(list)[\(index)].")
                unknown += unknownKeys(
                    entry.object("securityContext") ?? JSONObject(), containerSecurity,
                    prefix: "spec.\(list)[\(index)].securityContext.")
            }
        }
        return unknown
    }

    /// Applies this mode to `object`: throws for Strict, returns warnings for Warn; unknown fields are then dropped
    /// (as decoding into the typed object does).
    func check(_ object: inout JSONObject, _ resource: ResourceKind) throws(APIStatus) -> [String] {
        let paths = Self.unknownFields(object, resource)
        guard !paths.isEmpty else { return [] }
        let unknown = paths.map { "unknown field \(FieldError.quote($0))" }
        if self == .strict { throw APIStatus.badRequest("strict decoding error: " + unknown.joined(separator: ", ")) }
        for path in paths { Self.remove(path, from: &object) }
        return self == .warn ? unknown : []
    }

    /// Removes `a.b[2].c` from `object`.
    private static func remove(_ path: String, from object: inout JSONObject) {
        var steps: [(key: String, index: Int?)] = []
        for part in path.split(separator: ".") {
            if let open = part.firstIndex(of: "["), let index = Int(part[part.index(after: open)...].dropLast()) {
                steps.append((String(part[..<open]), index))
            } else {
                steps.append((String(part), nil))
            }
        }
        object = removing(steps[...], from: .object(object)).objectValue ?? object
    }

    private static func removing(_ steps: ArraySlice<(key: String, index: Int?)>, from value: JSONValue) -> JSONValue {
        guard let step = steps.first, var object = value.objectValue else { return value }
        if steps.count == 1 && step.index == nil {
            object.removeAll(named: step.key)
            return .object(object)
        }
        guard let child = object[step.key] else { return value }
        if let index = step.index {
            guard var items = child.arrayValue, items.indices.contains(index) else { return value }
            items[index] = removing(steps.dropFirst(), from: items[index])
            object.set(step.key, .array(items))
        } else {
            object.set(step.key, removing(steps.dropFirst(), from: child))
        }
        return .object(object)
    }

    private static func unknownKeys(_ object: JSONObject, _ known: Set<String>, prefix: String) -> [String] {
        object.keys.filter { !known.contains($0) }.map { prefix + $0 }
    }
}
