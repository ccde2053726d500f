import Events

/// Per-resource strategy: what the server sets on create and update, and what it validates.
enum ResourceRules {
    /// The largest total size of a ConfigMap's data and binaryData values.
    static let maxConfigMapBytes = 1024 * 1024

    /// Defaults and server-owned fields on create (the registry strategy's `PrepareForCreate` plus defaulting).
    static func prepareForCreate(_ object: inout JSONObject, _ resource: ResourceKind) {
        switch resource {
        case .pods:
            PodDefaults.apply(to: &object)
            let spec = object.object("spec") ?? JSONObject()
            object.set(
                "status",
                .object(
                    JSONObject([
                        .init(key: "phase", value: .string("Pending")),
                        .init(key: "qosClass", value: .string(PodDefaults.qosClass(spec))),
                    ])))
        case .namespaces:
            object.set("spec", .object(JSONObject([.init(key: "finalizers", value: .array([.string("kubernetes")]))])))
            object.set("status", .object(JSONObject([.init(key: "phase", value: .string("Active"))])))
            setNamespaceNameLabel(&object)
        case .networkPolicies:
            defaultNetworkPolicy(&object)
        case .daemonSets:
            object.removeAll(named: "status")
        default:
            break
        }
    }

    /// Server-owned fields kept from the stored object on update (status is not writable through the main resource).
    static func prepareForUpdate(_ object: inout JSONObject, old: JSONObject, _ resource: ResourceKind) {
        if let status = old["status"] { object.set("status", status) } else { object.removeAll(named: "status") }
        switch resource {
        case .namespaces:
            if let spec = old["spec"] { object.set("spec", spec) }
            setNamespaceNameLabel(&object)
        case .networkPolicies:
            defaultNetworkPolicy(&object)
        default:
            break
        }
    }

    /// Every validation error of a complete object (metadata included).
    static func validate(_ object: JSONObject, _ resource: ResourceKind) -> [FieldError] {
        var errors = MetadataValidation.validate(object.object("metadata") ?? JSONObject(), resource: resource)
        switch resource {
        case .pods:
            errors += PodValidation.validate(object.object("spec") ?? JSONObject())
        case .configMaps:
            errors += validateConfigMap(object)
        case .networkPolicies:
            errors += validateNetworkPolicy(object.object("spec") ?? JSONObject())
        case .resourceQuotas:
            errors += ResourceQuotaAdmission.validate(object)
        case .daemonSets:
            errors += validateDaemonSet(object.object("spec") ?? JSONObject())
        case .roles, .clusterRoles:
            errors += RBACValidation.validateRole(object)
        case .roleBindings, .clusterRoleBindings:
            errors += RBACValidation.validateBinding(object, clusterScoped: resource == .clusterRoleBindings)
        default:
            break
        }
        return errors
    }

    /// Extra errors for an update of `old` into `new`.
    static func validateUpdate(old: JSONObject, new: JSONObject, _ resource: ResourceKind) -> [FieldError] {
        switch resource {
        case .pods:
            return PodValidation.validateUpdate(
                old: old.object("spec") ?? JSONObject(), new: new.object("spec") ?? JSONObject())
        case .configMaps where old.bool("immutable") == true:
            var errors: [FieldError] = []
            if old["data"] != new["data"] || old["binaryData"] != new["binaryData"] {
                errors.append(.forbidden("data", "field is immutable when `immutable` is set"))
            }
            if new.bool("immutable") != true {
                errors.append(.forbidden("immutable", "field is immutable when `immutable` is set"))
            }
            return errors
        case .daemonSets where old.object("spec")?["selector"] != new.object("spec")?["selector"]:
            return [.invalid("spec.selector", "", "field is immutable")]
        case .roleBindings where old["roleRef"] != new["roleRef"],
            .clusterRoleBindings where old["roleRef"] != new["roleRef"]:
            return [.invalid("roleRef", "", "cannot change roleRef")]
        default:
            return []
        }
    }

    private static func setNamespaceNameLabel(_ object: inout JSONObject) {
        let name = object.object("metadata")?.string("name") ?? ""
        var labels = object.object("metadata")?.object("labels") ?? JSONObject()
        labels.set("kubernetes.io/metadata.name", .string(name))
        object.set(path: ["metadata", "labels"], .object(labels))
    }

    private static func defaultNetworkPolicy(_ object: inout JSONObject) {
        var spec = object.object("spec") ?? JSONObject()
        if (spec.array("policyTypes") ?? []).isEmpty {
            var types: [JSONValue] = [.string("Ingress")]
            if !(spec.array("egress") ?? []).isEmpty { types.append(.string("Egress")) }
            spec.set("policyTypes", .array(types))
        }
        if spec["podSelector"] == nil { spec.set("podSelector", .object(JSONObject())) }
        object.set("spec", .object(spec))
    }

    private static func validateConfigMap(_ object: JSONObject) -> [FieldError] {
        var errors: [FieldError] = []
        var total = 0
        let data = object.object("data") ?? JSONObject()
        let binary = object.object("binaryData") ?? JSONObject()
        for member in data.members {
            errors += NameValidation.configMapKey(member.key).map {
                FieldError.invalid("data[\(member.key)]", member.key, $0)
            }
            total += member.value.stringValue?.utf8.count ?? 0
        }
        for member in binary.members {
            errors += NameValidation.configMapKey(member.key).map {
                FieldError.invalid("binaryData[\(member.key)]", member.key, $0)
            }
            if data[member.key] != nil {
                errors.append(.invalid("data[\(member.key)]", member.key, "duplicate of key present in binaryData"))
            }
            total += Base64.decode(member.value.stringValue ?? "")?.count ?? 0
        }
        if total > maxConfigMapBytes { errors.append(.tooLong("[]", maxBytes: maxConfigMapBytes)) }
        return errors
    }

    private static func validateNetworkPolicy(_ spec: JSONObject) -> [FieldError] {
        var errors = validateSelector(spec.object("podSelector") ?? JSONObject(), path: "spec.podSelector")
        let types = spec.array("policyTypes")?.compactMap(\.stringValue) ?? []
        if types.count > 2 {
            errors.append(
                .invalid("spec.policyTypes", types.joined(separator: ","), "may not specify more than two policyTypes"))
        }
        for (index, type) in types.enumerated() where type != "Ingress" && type != "Egress" {
            errors.append(.notSupported("spec.policyTypes[\(index)]", type, ["Ingress", "Egress"]))
        }
        for direction in ["ingress", "egress"] {
            for (ruleIndex, rule) in (spec.array(direction)?.compactMap(\.objectValue) ?? []).enumerated() {
                for (portIndex, port) in (rule.array("ports")?.compactMap(\.objectValue) ?? []).enumerated() {
                    if let proto = port.string("protocol"), !["TCP", "UDP", "SCTP"].contains(proto) {
                        errors.append(
                            .notSupported(
                                "spec.\(direction)[\(ruleIndex)].ports[\(portIndex)].protocol", proto,
                                ["SCTP", "TCP", "UDP"]))
                    }
                }
            }
        }
        return errors
    }

    private static func validateDaemonSet(_ spec: JSONObject) -> [FieldError] {
        guard let selector = spec.object("selector") else { return [.required("spec.selector")] }
        var errors = validateSelector(selector, path: "spec.selector")
        let templateLabels = spec.object("template")?.object("metadata")?.object("labels")?.stringMap ?? [:]
        let matchLabels = selector.object("matchLabels")?.stringMap ?? [:]
        if !matchLabels.allSatisfy({ templateLabels[$0.key] == $0.value }) {
            errors.append(
                FieldError(
                    kind: .invalid, field: "spec.template.metadata.labels", value: nil,
                    detail: "`selector` does not match template `labels`"))
        }
        return errors
    }

    /// A `metav1.LabelSelector`: matchLabels syntax and matchExpressions operators.
    static func validateSelector(_ selector: JSONObject, path: String) -> [FieldError] {
        var errors = MetadataValidation.labels(
            selector.object("matchLabels") ?? JSONObject(), field: "\(path).matchLabels")
        for (index, expression) in (selector.array("matchExpressions")?.compactMap(\.objectValue) ?? []).enumerated() {
            let op = expression.string("operator") ?? ""
            let values = expression.array("values") ?? []
            switch op {
            case "In", "NotIn":
                if values.isEmpty {
                    errors.append(
                        .required(
                            "\(path).matchExpressions[\(index)].values",
                            "must be specified when `operator` is 'In' or 'NotIn'"))
                }
            case "Exists", "DoesNotExist":
                if !values.isEmpty {
                    errors.append(
                        .forbidden(
                            "\(path).matchExpressions[\(index)].values",
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            default:
                errors.append(
                    .invalid("\(path).matchExpressions[\(index)].operator", op, "not a valid selector operator"))
            }
        }
        return errors
    }
}
