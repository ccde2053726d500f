import Events

/// ResourceQuota admission of Pods, after the API server's quota admission plugin
/// (kubernetes/kubernetes `plugin/pkg/admission/resourcequota/controller.go`, `CheckRequest`, and the Pod evaluator
/// `pkg/quota/v1/evaluator/core/pods.go`).
///
/// On a Pod create, each ResourceQuota of the namespace (by name) whose `spec.hard` names a resource the Pod uses
/// is checked: the usage of the namespace's Pods that are not terminated (phase neither `Succeeded` nor `Failed`,
/// as `QuotaV1Pod` counts them) plus the new Pod's must stay within `hard`. The first quota exceeded refuses the
/// Pod with the plugin's 403: `admission.NewForbidden` around
/// `exceeded quota: <name>, requested: <r>, used: <u>, limited: <l>`, each list `resource=quantity` pairs sorted
/// by resource and restricted to the exceeded resources (`prettyPrint`), so the message reads
/// `pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`.
///
/// Evaluated: `pods` and `count/pods`, `requests.cpu` (and its alias `cpu`), `requests.memory` (`memory`),
/// `limits.cpu`, `limits.memory`. Not modelled: scopes and scope selectors, the "must specify" refusal of a Pod
/// without a constrained request or limit (it counts as zero here), init containers and Pod overhead, and the
/// controller's `status.used` (usage is computed live, as if the controller were always up to date).
enum ResourceQuotaAdmission {
    /// The resources evaluated, with how a Pod's usage of each is computed.
    static let evaluated: Set<String> = [
        "pods", "count/pods", "requests.cpu", "cpu", "requests.memory", "memory", "limits.cpu", "limits.memory",
    ]

    /// Refuses `pod` (being created as `name`) when a quota in `quotas` would be exceeded with `others` (the
    /// namespace's other Pods) counted.
    static func check(
        pod: JSONObject, name: String, quotas: [StoredObject], others: [StoredObject]
    ) throws(APIStatus) {
        guard !quotas.isEmpty else { return }
        let requested = usage(of: pod)
        var used: [String: Double] = [:]
        for other in others where counts(other.object) {
            for (resource, value) in usage(of: other.object) { used[resource, default: 0] += value }
        }
        for quota in quotas.sorted(by: { $0.name < $1.name }) {
            let hard = hardLimits(quota.object)
            var exceeded: [String] = []
            for (resource, limit) in hard where evaluated.contains(resource) {
                let wanted = requested[resource] ?? 0
                guard wanted > 0 else { continue }
                if (used[resource] ?? 0) + wanted > limit + 1e-9 { exceeded.append(resource) }
            }
            guard !exceeded.isEmpty else { continue }
            exceeded.sort()
            let list = { (values: [String: Double]) in
                exceeded.map { "\($0)=\(format(values[$0] ?? 0, resource: $0))" }.joined(separator: ",")
            }
            throw APIStatus.forbidden(
                .pods, name,
                "exceeded quota: \(quota.name), requested: \(list(requested)), used: \(list(used)), limited: \(list(hard))"
            )
        }
    }

    /// Whether a stored Pod counts against quota: not in a terminal phase.
    static func counts(_ pod: JSONObject) -> Bool {
        let phase = pod.object("status")?.string("phase") ?? "Pending"
        return phase != "Succeeded" && phase != "Failed"
    }

    /// A Pod's usage of each evaluated resource (CPU in cores, memory in bytes).
    static func usage(of pod: JSONObject) -> [String: Double] {
        var usage: [String: Double] = ["pods": 1, "count/pods": 1]
        for container in pod.object("spec")?.array("containers") ?? [] {
            let resources = container.objectValue?.object("resources")
            for (section, prefix) in [("requests", "requests."), ("limits", "limits.")] {
                for resource in ["cpu", "memory"] {
                    guard let text = resources?.object(section)?.string(resource), let quantity = Quantity(text) else {
                        continue
                    }
                    usage[prefix + resource, default: 0] += quantity.value
                }
            }
        }
        usage["cpu"] = usage["requests.cpu"]
        usage["memory"] = usage["requests.memory"]
        return usage
    }

    /// `spec.hard` as numbers (entries that are not quantities are left out; validation refuses them).
    static func hardLimits(_ quota: JSONObject) -> [String: Double] {
        var hard: [String: Double] = [:]
        for member in quota.object("spec")?.object("hard")?.members ?? [] {
            if let text = member.value.stringValue, let quantity = Quantity(text) { hard[member.key] = quantity.value }
        }
        return hard
    }

    /// A quantity the way `resource.Quantity.String()` prints the usual values: CPU as whole cores or
    /// millicores, memory with the largest binary suffix that divides it, counts as integers.
    static func format(_ value: Double, resource: String) -> String {
        if resource.hasSuffix("cpu") {
            let millis = Int64((value * 1000).rounded())
            return millis % 1000 == 0 ? String(millis / 1000) : "\(millis)m"
        }
        let whole = Int64(value.rounded())
        if resource.hasSuffix("memory") {
            for (suffix, size) in [("Gi", Int64(1) << 30), ("Mi", Int64(1) << 20), ("Ki", Int64(1) << 10)]
            where whole != 0 && whole % size == 0 {
                return "\(whole / size)\(suffix)"
            }
        }
        return String(whole)
    }

    /// Validation of a ResourceQuota: every `spec.hard` value a quantity (core/validation `ValidateResourceQuota`).
    static func validate(_ quota: JSONObject) -> [FieldError] {
        var errors: [FieldError] = []
        for member in quota.object("spec")?.object("hard")?.members ?? [] {
            guard let text = member.value.stringValue, let quantity = Quantity(text) else {
                errors.append(
                    .invalid(
                        "spec.hard[\(member.key)]", member.value.stringValue ?? "", Quantity.formatMessage))
                continue
            }
            if quantity.value < 0 {
                errors.append(
                    .invalid("spec.hard[\(member.key)]", text, "must be greater than or equal to 0"))
            }
        }
        return errors
    }
}
