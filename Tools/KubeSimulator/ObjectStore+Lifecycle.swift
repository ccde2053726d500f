import Events

extension ObjectStore {
    /// Background work due at `context.monotonicNow`: automatic pod phases, deadline failures, graceful deletions
    /// that finished, and the garbage collector's sweep. Returns whether anything changed.
    @discardableResult
    mutating func tick(context: WriteContext) -> Bool {
        let now = context.monotonicNow
        var changed = false
        var removals: [(ObjectKey, DeleteOptions.Propagation)] = []
        var transitions: [(ObjectKey, String, String?)] = []
        for (key, entry) in objects where entry.resource == .pods {
            if let removeAt = entry.removeAt, removeAt <= now {
                removals.append(
                    (key, DeleteOptions.Propagation(rawValue: entry.pendingPropagation ?? "") ?? .background))
                continue
            }
            let phase = entry.object.object("status")?.string("phase") ?? "Pending"
            if phase == "Running", let since = entry.runningSince,
                let deadline = entry.object.object("spec")?.int("activeDeadlineSeconds"),
                now >= since &+ UInt64(deadline) &* 1_000_000_000
            {
                transitions.append((key, "Failed", "DeadlineExceeded"))
            } else if let due = entry.nextPhaseAt, due <= now {
                transitions.append((key, phase == "Pending" ? "Running" : "Succeeded", nil))
            }
        }
        for (key, policy) in removals {
            removeCascading(key, policy: policy, context: context)
            changed = true
        }
        for (key, phase, reason) in transitions where objects[key] != nil {
            transition(key, to: phase, reason: reason, context: context)
            changed = true
        }
        changed = runDaemonSets(context: context) || changed
        if sweepNeeded {
            let candidates = takeSweep()
            let before = objects.count
            collectDanglingDependents(among: candidates, context: context)
            changed = changed || objects.count != before
        }
        return changed
    }

    /// Forces a pod into `phase` (Pending, Running, Succeeded or Failed), as a kubelet status update would.
    mutating func setPodPhase(namespace: String, name: String, phase: String, context: WriteContext) throws(APIStatus) {
        guard ["Pending", "Running", "Succeeded", "Failed"].contains(phase) else {
            throw APIStatus.badRequest("unknown pod phase \(phase)")
        }
        let key = Self.key(.pods, namespace, name)
        guard objects[key] != nil else { throw APIStatus.notFound(.pods, name) }
        transition(key, to: phase, reason: nil, context: context)
        objects[key]?.nextPhaseAt = nil
    }

    /// Moves a pod to `phase`, writing the status a kubelet would (a status-subresource update by `kubelet`).
    private mutating func transition(_ key: ObjectKey, to phase: String, reason: String?, context: WriteContext) {
        guard var entry = objects[key] else { return }
        let old = entry.object
        var spec = entry.object.object("spec") ?? JSONObject()
        var status = entry.object.object("status") ?? JSONObject()
        let containers = (spec.array("containers") ?? []).compactMap(\.objectValue)
        let time = context.timestamp
        if phase != "Pending" && (spec.string("nodeName") ?? "").isEmpty {
            spec.set("nodeName", .string(settings.nodeName))
            entry.object.set("spec", .object(spec))
        }
        let startTime = status.string("startTime") ?? time
        let running = phase == "Running"
        let terminal = phase == "Succeeded" || phase == "Failed"
        let ready = running
        var conditions: [JSONValue] = []
        if phase != "Pending" {
            for (type, value) in [
                ("PodReadyToStartContainers", !terminal), ("Initialized", true), ("Ready", ready),
                ("ContainersReady", ready), ("PodScheduled", true),
            ] {
                var condition = JSONObject()
                condition.append("type", .string(type))
                condition.append("status", .string(value ? "True" : "False"))
                condition.append("lastProbeTime", .null)
                condition.append("lastTransitionTime", .string(time))
                if !value && (type == "Ready" || type == "ContainersReady") {
                    condition.append("reason", .string(terminal ? "PodCompleted" : "ContainersNotReady"))
                }
                conditions.append(.object(condition))
            }
        }
        status = JSONObject()
        status.append("phase", .string(phase))
        if !conditions.isEmpty { status.append("conditions", .array(conditions)) }
        if let reason {
            status.append("message", .string("Pod was active on the node longer than the specified deadline"))
            status.append("reason", .string(reason))
        }
        if phase != "Pending" {
            status.append("hostIP", .string("10.0.0.10"))
            status.append("hostIPs", .array([.object(JSONObject([.init(key: "ip", value: .string("10.0.0.10"))]))]))
            if !terminal {
                let address = "10.244.0.\(2 + Int(revision % 250))"
                status.append("podIP", .string(address))
                status.append("podIPs", .array([.object(JSONObject([.init(key: "ip", value: .string(address))]))]))
            }
            status.append("startTime", .string(startTime))
            status.append(
                "containerStatuses",
                .array(containers.map { containerStatus($0, phase: phase, startedAt: startTime, time: time) }))
        }
        status.append("qosClass", .string(PodDefaults.qosClass(spec)))
        entry.object.set("status", .object(status))
        var meta = entry.object.object("metadata") ?? JSONObject()
        meta.set("resourceVersion", .string(nextResourceVersion()))
        entry.object.set("metadata", .object(meta))
        ManagedFieldsEntry.recordUpdate(
            &entry.managedFields, manager: "kubelet", apiVersion: "v1", old: old, new: entry.object, time: time,
            subresource: "status")
        if running {
            entry.runningSince = context.monotonicNow
            entry.nextPhaseAt = settings.phaseProgression?.succeededAfter.map {
                context.monotonicNow &+ UInt64($0.clampedNanoseconds)
            }
        } else {
            entry.nextPhaseAt = nil
        }
        commit(rendered(entry))
    }

    private func containerStatus(_ container: JSONObject, phase: String, startedAt: String, time: String) -> JSONValue {
        let name = container.string("name") ?? ""
        var state = JSONObject()
        switch phase {
        case "Running":
            state.append("running", .object(JSONObject([.init(key: "startedAt", value: .string(startedAt))])))
        default:
            let failed = phase == "Failed"
            state.append(
                "terminated",
                .object(
                    JSONObject([
                        .init(key: "exitCode", value: .integer(failed ? 137 : 0)),
                        .init(key: "reason", value: .string(failed ? "Error" : "Completed")),
                        .init(key: "startedAt", value: .string(startedAt)),
                        .init(key: "finishedAt", value: .string(time)),
                        .init(key: "containerID", value: .string("containerd://\(name)-sim")),
                    ])))
        }
        var object = JSONObject()
        object.append("name", .string(name))
        object.append("state", .object(state))
        object.append("lastState", .object(JSONObject()))
        object.append("ready", .bool(phase == "Running"))
        object.append("restartCount", .integer(0))
        object.append("image", .string(container.string("image") ?? ""))
        object.append("imageID", .string("sim://\(container.string("image") ?? "")"))
        object.append("containerID", .string("containerd://\(name)-sim"))
        object.append("started", .bool(phase == "Running"))
        return .object(object)
    }
}
