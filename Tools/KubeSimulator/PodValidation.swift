import Events
import Glibc

/// Pod validation: a practical subset of `ValidatePodCreate` / `ValidatePodUpdate`.
enum PodValidation {
    /// Decode-level type checks of the spec (wrong JSON types are a 400, as in the API server).
    static func checkTypes(_ spec: JSONObject, resource: ResourceKind) throws(APIStatus) {
        for list in ["containers", "initContainers", "volumes"] {
            guard let value = spec[list], !value.isNull else { continue }
            guard let items = value.arrayValue, items.allSatisfy({ $0.objectValue != nil }) else {
                throw ObjectDecoding.unmarshal(resource, value, "PodSpec.spec.\(list)", "[]v1.Container")
            }
        }
        for container in (spec.array("containers") ?? []) + (spec.array("initContainers") ?? []) {
            let object = container.objectValue ?? JSONObject()
            for key in ["name", "image"] {
                if let value = object[key], value.stringValue == nil, !value.isNull {
                    throw ObjectDecoding.unmarshal(resource, value, "Container.spec.containers.\(key)", "string")
                }
            }
            for kind in ["requests", "limits"] {
                for member in object.object("resources")?.object(kind)?.members ?? [] {
                    guard let text = member.value.stringValue ?? member.value.numberValue?.text, Quantity(text) != nil
                    else {
                        throw ObjectDecoding.failure(resource, Quantity.formatMessage)
                    }
                }
            }
        }
    }

    /// Every validation error of a (defaulted) pod spec.
    static func validate(_ spec: JSONObject) -> [FieldError] {
        var errors: [FieldError] = []
        let volumes = spec.array("volumes")?.compactMap(\.objectValue) ?? []
        var volumeNames = Set<String>()
        for (index, volume) in volumes.enumerated() {
            let path = "spec.volumes[\(index)]"
            let name = volume.string("name") ?? ""
            if name.isEmpty {
                errors.append(.required("\(path).name"))
            } else {
                errors.append(
                    contentsOf: NameValidation.dns1123Label(name).map { FieldError.invalid("\(path).name", name, $0) })
                if !volumeNames.insert(name).inserted { errors.append(.duplicate("\(path).name", name)) }
            }
            let sources = volume.keys.filter { $0 != "name" }
            if sources.isEmpty {
                errors.append(.required(path, "must specify a volume type"))
            } else if sources.count > 1 {
                errors.append(.forbidden("\(path).\(sources[1])", "may not specify more than 1 volume type"))
            }
            if let configMap = volume.object("configMap"), (configMap.string("name") ?? "").isEmpty {
                errors.append(.required("\(path).configMap.name"))
            }
        }

        let containers = spec.array("containers")?.compactMap(\.objectValue) ?? []
        if containers.isEmpty { errors.append(.required("spec.containers")) }
        var containerNames = Set<String>()
        for (list, items) in [
            ("initContainers", spec.array("initContainers")?.compactMap(\.objectValue) ?? []),
            ("containers", containers),
        ] {
            for (index, container) in items.enumerated() {
                errors.append(
                    contentsOf: validateContainer(
                        container, path: "spec.\(list)[\(index)]", volumes: volumeNames,
                        names: &containerNames))
            }
        }

        errors.append(
            contentsOf: enumValue(spec, "restartPolicy", "spec.restartPolicy", ["Always", "OnFailure", "Never"]))
        errors.append(
            contentsOf: enumValue(
                spec, "dnsPolicy", "spec.dnsPolicy", ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]))
        errors.append(contentsOf: validateDNS(spec))
        if let deadline = spec["activeDeadlineSeconds"], !deadline.isNull {
            let value = deadline.int64Value ?? 0
            if value < 1 || value > Int64(Int32.max) {
                errors.append(
                    FieldError(
                        kind: .invalid, field: "spec.activeDeadlineSeconds", value: String(value),
                        detail: "must be between 1 and 2147483647, inclusive"))
            }
        }
        if let grace = spec.int("terminationGracePeriodSeconds"), grace < 0 {
            errors.append(
                FieldError(
                    kind: .invalid, field: "spec.terminationGracePeriodSeconds", value: String(grace),
                    detail: "must be >= 0"))
        }
        if let context = spec.object("securityContext") {
            errors.append(contentsOf: validateSecurityContext(context, path: "spec.securityContext"))
            errors.append(
                contentsOf: enumValue(
                    context, "fsGroupChangePolicy", "spec.securityContext.fsGroupChangePolicy",
                    ["OnRootMismatch", "Always"]))
        }
        return errors
    }

    /// The 422 for a spec change a running pod does not allow (only images, a shorter deadline and
    /// added tolerations may change).
    static func validateUpdate(old: JSONObject, new: JSONObject) -> [FieldError] {
        var oldSpec = withoutImages(old)
        var newSpec = withoutImages(new)
        var errors: [FieldError] = []
        let oldDeadline = old.int("activeDeadlineSeconds")
        let newDeadline = new.int("activeDeadlineSeconds")
        if let oldDeadline, newDeadline == nil || (newDeadline ?? 0) > oldDeadline {
            errors.append(
                FieldError(
                    kind: .invalid, field: "spec.activeDeadlineSeconds",
                    value: newDeadline.map { String($0) } ?? "null",
                    detail: "must be less than or equal to previous value"))
        }
        // Scheduling gates may only be removed (apis/core/validation `validateOnlyDeletedSchedulingGates`).
        let oldGates = Set((old.array("schedulingGates") ?? []).compactMap { $0.objectValue?.string("name") })
        for gate in (new.array("schedulingGates") ?? []).compactMap({ $0.objectValue?.string("name") })
        where !oldGates.contains(gate) {
            errors.append(
                .forbidden("spec.schedulingGates", "only deletion is allowed, but found new scheduling gate '\(gate)'"))
        }
        for key in ["activeDeadlineSeconds", "tolerations", "schedulingGates"] {
            oldSpec.removeAll(named: key)
            newSpec.removeAll(named: key)
        }
        if oldSpec != newSpec {
            errors.append(
                .forbidden(
                    "spec",
                    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
                        + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
                        + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
                ))
        }
        return errors
    }

    private static func withoutImages(_ spec: JSONObject) -> JSONObject {
        var result = spec
        for list in ["containers", "initContainers"] {
            guard let items = result.array(list) else { continue }
            result.set(
                list,
                .array(
                    items.map { item in
                        var object = item.objectValue ?? JSONObject()
                        object.removeAll(named: "image")
                        return .object(object)
                    }))
        }
        return result
    }

    private static func validateContainer(
        _ container: JSONObject, path: String, volumes: Set<String>, names: inout Set<String>
    ) -> [FieldError] {
        var errors: [FieldError] = []
        let name = container.string("name") ?? ""
        if name.isEmpty {
            errors.append(.required("\(path).name"))
        } else {
            errors.append(
                contentsOf: NameValidation.dns1123Label(name).map { FieldError.invalid("\(path).name", name, $0) })
            if !names.insert(name).inserted { errors.append(.duplicate("\(path).name", name)) }
        }
        if (container.string("image") ?? "").trimmingSpaces.isEmpty { errors.append(.required("\(path).image")) }
        errors.append(
            contentsOf: enumValue(
                container, "imagePullPolicy", "\(path).imagePullPolicy", ["Always", "IfNotPresent", "Never"]))
        errors.append(
            contentsOf: enumValue(
                container, "terminationMessagePolicy", "\(path).terminationMessagePolicy",
                ["File", "FallbackToLogsOnError"]))
        for (index, variable) in (container.array("env")?.compactMap(\.objectValue) ?? []).enumerated() {
            let variableName = variable.string("name") ?? ""
            if variableName.isEmpty {
                errors.append(.required("\(path).env[\(index)].name"))
            } else {
                errors.append(
                    contentsOf: NameValidation.envVarName(variableName).map {
                        FieldError.invalid("\(path).env[\(index)].name", variableName, $0)
                    })
            }
        }
        for (index, port) in (container.array("ports")?.compactMap(\.objectValue) ?? []).enumerated() {
            let number = port.int("containerPort") ?? 0
            if number < 1 || number > 65535 {
                errors.append(
                    FieldError(
                        kind: .invalid, field: "\(path).ports[\(index)].containerPort", value: String(number),
                        detail: "must be between 1 and 65535, inclusive"))
            }
            errors.append(
                contentsOf: enumValue(port, "protocol", "\(path).ports[\(index)].protocol", ["SCTP", "TCP", "UDP"]))
        }
        var mountPaths = Set<String>()
        for (index, mount) in (container.array("volumeMounts")?.compactMap(\.objectValue) ?? []).enumerated() {
            let mountName = mount.string("name") ?? ""
            if mountName.isEmpty {
                errors.append(.required("\(path).volumeMounts[\(index)].name"))
            } else if !volumes.contains(mountName) {
                errors.append(.notFound("\(path).volumeMounts[\(index)].name", mountName))
            }
            let mountPath = mount.string("mountPath") ?? ""
            if mountPath.isEmpty {
                errors.append(.required("\(path).volumeMounts[\(index)].mountPath"))
            } else if !mountPaths.insert(mountPath).inserted {
                errors.append(.invalid("\(path).volumeMounts[\(index)].mountPath", mountPath, "must be unique"))
            }
        }
        let resources = container.object("resources") ?? JSONObject()
        let limits = resources.object("limits")?.stringMap ?? [:]
        for (resourceName, requestText) in (resources.object("requests")?.stringMap ?? [:]).sorted(by: {
            $0.key < $1.key
        }) {
            guard let limitText = limits[resourceName], let limit = Quantity(limitText),
                let request = Quantity(requestText),
                request.value > limit.value
            else { continue }
            errors.append(
                .invalid(
                    "\(path).resources.requests", requestText,
                    "must be less than or equal to \(resourceName) limit of \(limitText)"))
        }
        if let context = container.object("securityContext") {
            errors.append(contentsOf: validateSecurityContext(context, path: "\(path).securityContext"))
            if context.bool("privileged") == true && context.bool("allowPrivilegeEscalation") == false {
                errors.append(
                    FieldError(
                        kind: .invalid, field: "\(path).securityContext", value: nil,
                        detail: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
            }
        }
        return errors
    }

    private static func validateSecurityContext(_ context: JSONObject, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        for key in ["runAsUser", "runAsGroup"] {
            if let value = context.int(key), value < 0 || value > Int64(Int32.max) {
                errors.append(
                    FieldError(
                        kind: .invalid, field: "\(path).\(key)", value: String(value),
                        detail: "must be between 0 and 2147483647, inclusive"))
            }
        }
        if let profile = context.object("seccompProfile") {
            errors.append(
                contentsOf: enumValue(
                    profile, "type", "\(path).seccompProfile.type", ["Localhost", "RuntimeDefault", "Unconfined"]))
            if profile.string("type") == "Localhost", (profile.string("localhostProfile") ?? "").isEmpty {
                errors.append(
                    .required("\(path).seccompProfile.localhostProfile", "must be set when seccomp type is Localhost"))
            }
        }
        return errors
    }

    private static func validateDNS(_ spec: JSONObject) -> [FieldError] {
        var errors: [FieldError] = []
        let config = spec.object("dnsConfig")
        if spec.string("dnsPolicy") == "None" {
            guard let config else {
                return [.required("spec.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")]
            }
            if (config.array("nameservers") ?? []).isEmpty {
                errors.append(
                    .required(
                        "spec.dnsConfig.nameservers",
                        "must provide at least one DNS nameserver when `dnsPolicy` is None"))
            }
        }
        guard let config else { return errors }
        let servers = config.array("nameservers")?.compactMap(\.stringValue) ?? []
        if servers.count > 3 {
            errors.append(
                .invalid(
                    "spec.dnsConfig.nameservers", servers.joined(separator: ","),
                    "must not have more than 3 nameservers"))
        }
        for (index, server) in servers.enumerated() where !SimulatorPKI.isIPAddress(server) {
            errors.append(.invalid("spec.dnsConfig.nameservers[\(index)]", server, "must be a valid IP address"))
        }
        if (config.array("searches") ?? []).count > 32 {
            errors.append(
                FieldError(
                    kind: .invalid, field: "spec.dnsConfig.searches", value: nil,
                    detail: "must not have more than 32 search paths"))
        }
        return errors
    }

    private static func enumValue(
        _ object: JSONObject, _ key: String, _ field: String, _ allowed: [String]
    ) -> [FieldError] {
        guard let value = object[key], !value.isNull else { return [] }
        let text = value.stringValue ?? ""
        return allowed.contains(text) ? [] : [.notSupported(field, text, allowed)]
    }
}
