import Events

/// The DaemonSet controller and the kubelet's side of its Pods, for the one simulated node.
///
/// As in kube-controller-manager's `daemon` controller (pkg/controller/daemon): a DaemonSet whose
/// `spec.template.spec.nodeSelector` matches the node's labels gets one Pod there, owned by it (controller
/// reference), labelled `pod-template-generation`; a new template generation replaces the Pod (the `RollingUpdate`
/// strategy with one node); the Pod is created through the same admission as any Pod (Pod Security refuses a
/// template the namespace does not allow, and the DaemonSet then has no Pod, as `FailedCreate` leaves it); `status`
/// counts desired, current, ready and updated Pods and records `observedGeneration`. The kubelet then pulls each
/// container's image: an image in ``StoreSettings/unpullableImages`` leaves its container waiting with
/// `ErrImagePull` (kubelet `images.ErrImagePull`) and the Pod `Pending`; the others run.
///
/// Work per tick is a lookup per DaemonSet (the Pod's name is derived from the DaemonSet and its generation), not a
/// scan of Pods.
extension ObjectStore {
    /// Labels of the simulated node (the well-known ones a nodeSelector uses).
    var nodeLabels: [String: String] {
        ["kubernetes.io/hostname": settings.nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"]
    }

    /// Brings every DaemonSet's Pod and status up to date. Returns whether anything changed.
    mutating func runDaemonSets(context: WriteContext) -> Bool {
        var changed = false
        for (_, entry) in objects where entry.resource == .daemonSets {
            changed = runDaemonSet(entry, context: context) || changed
        }
        return changed
    }

    private static func podName(_ daemonSet: String, generation: Int64) -> String { "\(daemonSet)-g\(generation)" }

    private mutating func runDaemonSet(_ daemonSet: StoredObject, context: WriteContext) -> Bool {
        guard daemonSet.object.object("metadata")?.string("deletionTimestamp") == nil else { return false }
        let namespace = daemonSet.namespace
        let generation = daemonSet.object.object("metadata")?.int("generation") ?? 1
        let template = daemonSet.object.object("spec")?.object("template") ?? JSONObject()
        let selector = template.object("spec")?.object("nodeSelector")?.stringMap ?? [:]
        let wanted = selector.allSatisfy { nodeLabels[$0.key] == $0.value }
        let status = daemonSet.object.object("status") ?? JSONObject()
        let observed = status.int("observedGeneration") ?? 0
        var changed = false
        // An older generation's Pod gives way to the new one.
        if observed != 0 && observed != generation,
            let old = objects[Self.key(.pods, namespace, Self.podName(daemonSet.name, generation: observed))]
        {
            _ = remove(Self.key(.pods, namespace, old.name))
            changed = true
        }
        let name = Self.podName(daemonSet.name, generation: generation)
        var pod = stored(.pods, namespace, name)
        if !wanted, pod != nil {
            _ = remove(Self.key(.pods, namespace, name))
            pod = nil
            changed = true
        }
        if wanted && pod == nil {
            pod = createDaemonPod(daemonSet, template: template, name: name, generation: generation, context: context)
            changed = changed || pod != nil
        }
        let ready = pod.map { ($0.object.object("status")?.string("phase") ?? "") == "Running" } ?? false
        var fresh = JSONObject()
        fresh.append("currentNumberScheduled", .number(JSONNumber(pod == nil ? 0 : 1)))
        fresh.append("desiredNumberScheduled", .number(JSONNumber(wanted ? 1 : 0)))
        fresh.append("numberAvailable", .number(JSONNumber(ready ? 1 : 0)))
        fresh.append("numberMisscheduled", .number(JSONNumber(0)))
        fresh.append("numberReady", .number(JSONNumber(ready ? 1 : 0)))
        if wanted && !ready { fresh.append("numberUnavailable", .number(JSONNumber(1))) }
        fresh.append("observedGeneration", .number(JSONNumber(generation)))
        fresh.append("updatedNumberScheduled", .number(JSONNumber(pod == nil ? 0 : 1)))
        guard fresh != status else { return changed }
        var entry = daemonSet
        entry.object.set("status", .object(fresh))
        var meta = entry.object.object("metadata") ?? JSONObject()
        meta.set("resourceVersion", .string(nextResourceVersion()))
        entry.object.set("metadata", .object(meta))
        commit(rendered(entry))
        return true
    }

    /// The DaemonSet's Pod on the node, created through admission and started by the kubelet model.
    private mutating func createDaemonPod(
        _ daemonSet: StoredObject, template: JSONObject, name: String, generation: Int64, context: WriteContext
    ) -> StoredObject? {
        var meta = template.object("metadata") ?? JSONObject()
        var labels = meta.object("labels") ?? JSONObject()
        labels.set("pod-template-generation", .string(String(generation)))
        meta.set("labels", .object(labels))
        meta.set("name", .string(name))
        meta.set("namespace", .string(daemonSet.namespace))
        meta.set(
            "ownerReferences",
            .array([
                .object(
                    JSONObject(pairs: [
                        "apiVersion": .string("apps/v1"), "kind": .string("DaemonSet"), "name": .string(daemonSet.name),
                        "uid": .string(daemonSet.uid), "controller": .bool(true), "blockOwnerDeletion": .bool(true),
                    ]))
            ]))
        var spec = template.object("spec") ?? JSONObject()
        spec.set("nodeName", .string(settings.nodeName))
        var body = JSONObject()
        body.append("apiVersion", .string("v1"))
        body.append("kind", .string("Pod"))
        body.append("metadata", .object(meta))
        body.append("spec", .object(spec))
        var controller = context
        controller.manager = "kube-controller-manager"
        controller.dryRun = false
        guard (try? create(.pods, namespace: daemonSet.namespace, body: .object(body), context: controller)) != nil,
            var entry = stored(.pods, daemonSet.namespace, name)
        else { return nil }
        let old = entry.object
        let containers = (spec.array("containers") ?? []).compactMap(\.objectValue)
        let pullable = containers.allSatisfy { !settings.unpullableImages.contains($0.string("image") ?? "") }
        var status = JSONObject()
        status.append("phase", .string(pullable ? "Running" : "Pending"))
        status.append("hostIP", .string("10.0.0.10"))
        status.append("startTime", .string(context.timestamp))
        status.append(
            "containerStatuses", .array(containers.map { daemonContainerStatus($0, time: context.timestamp) }))
        entry.object.set("status", .object(status))
        var podMeta = entry.object.object("metadata") ?? JSONObject()
        podMeta.set("resourceVersion", .string(nextResourceVersion()))
        entry.object.set("metadata", .object(podMeta))
        entry.nextPhaseAt = nil
        ManagedFieldsEntry.recordUpdate(
            &entry.managedFields, manager: "kubelet", apiVersion: "v1", old: old, new: entry.object,
            time: context.timestamp, subresource: "status")
        let result = rendered(entry)
        commit(result)
        return result
    }

    private func daemonContainerStatus(_ container: JSONObject, time: String) -> JSONValue {
        let image = container.string("image") ?? ""
        let pullable = !settings.unpullableImages.contains(image)
        var state = JSONObject()
        if pullable {
            state.append("running", .object(JSONObject(pairs: ["startedAt": .string(time)])))
        } else {
            state.append(
                "waiting",
                .object(
                    JSONObject(pairs: [
                        "reason": .string("ErrImagePull"),
                        "message": .string(
                            "failed to pull and unpack image \"\(image)\": failed to resolve reference \"\(image)\": not found"
                        ),
                    ])))
        }
        var object = JSONObject()
        object.append("name", .string(container.string("name") ?? ""))
        object.append("state", .object(state))
        object.append("lastState", .object(JSONObject()))
        object.append("ready", .bool(pullable))
        object.append("restartCount", .integer(0))
        object.append("image", .string(image))
        object.append("imageID", .string(pullable ? "sim://\(image)" : ""))
        object.append("started", .bool(pullable))
        return .object(object)
    }
}
