import Events

/// An opt-in model of Kueue's admission of plain Pods (Kueue documentation, "Run Plain Pods" and "Cluster Queue"),
/// enough to show whether an executor Pod would ever start on a cluster running Kueue.
///
/// What Kueue does, and this model with it: a Pod labelled `kueue.x-k8s.io/queue-name` is created with the
/// scheduling gate `kueue.x-k8s.io/admission`, so the scheduler leaves it Pending (`PodScheduled` false, reason
/// `SchedulingGated`). Kueue wraps it in a Workload, finds the LocalQueue of that name in the Pod's namespace and
/// the ClusterQueue it points to, and admits the Workload only if every resource the Pod requests is among the
/// ClusterQueue's `coveredResources`; admission removes the gate. Otherwise the Workload stays pending with a
/// `QuotaReserved` condition saying why — `couldn't assign flavors to pod set main: resource ephemeral-storage
/// unavailable in ClusterQueue` — and the Pod stays gated. A Pod whose LocalQueue or ClusterQueue does not exist
/// stays gated too. A Pod without the label is not Kueue's (`manageJobsWithoutQueueName: false`, the default).
///
/// Not modelled: quotas and usage (every covered request fits), flavors, cohorts, preemption, admission checks.
public struct KueueAdmission: Sendable, Hashable {
    /// The label naming a Pod's LocalQueue.
    public static let queueLabel = "kueue.x-k8s.io/queue-name"
    /// The scheduling gate Kueue's webhook adds.
    public static let gateName = "kueue.x-k8s.io/admission"

    /// A ClusterQueue: its name and the resources its resource groups cover.
    public struct ClusterQueue: Sendable, Hashable {
        public var name: String
        public var coveredResources: [String]

        public init(name: String, coveredResources: [String]) {
            self.name = name
            self.coveredResources = coveredResources
        }
    }

    /// LocalQueue name → ClusterQueue name (the same LocalQueue in every namespace).
    public var localQueues: [String: String]
    /// ClusterQueues by name.
    public var clusterQueues: [String: ClusterQueue]

    /// The default: upstream's LocalQueue `executor-queue` pointing to a ClusterQueue covering `cpu` and `memory`.
    public init(
        localQueues: [String: String] = ["executor-queue": "executor-cluster-queue"],
        clusterQueues: [ClusterQueue] = [
            ClusterQueue(name: "executor-cluster-queue", coveredResources: ["cpu", "memory"])
        ]
    ) {
        self.localQueues = localQueues
        self.clusterQueues = Dictionary(clusterQueues.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// What Kueue decides for one Pod.
    public enum Decision: Sendable, Hashable {
        /// No queue label: Kueue leaves the Pod alone.
        case unmanaged
        /// Admitted: the gate is removed at once and the Pod schedules.
        case admitted
        /// Not admitted: the Pod stays gated; the Workload's `QuotaReserved` condition message.
        case pending(String)
    }

    /// The decision for a Pod object as it is about to be stored (defaults applied).
    public func decide(_ pod: JSONObject) -> Decision {
        guard let queue = pod.object("metadata")?.object("labels")?.string(Self.queueLabel) else { return .unmanaged }
        guard let clusterQueueName = localQueues[queue] else { return .pending("LocalQueue \(queue) doesn't exist") }
        guard let clusterQueue = clusterQueues[clusterQueueName] else {
            return .pending("ClusterQueue \(clusterQueueName) doesn't exist")
        }
        let requested = Self.requestedResources(pod.object("spec") ?? JSONObject())
        for resource in requested where !clusterQueue.coveredResources.contains(resource) {
            return .pending("couldn't assign flavors to pod set main: resource \(resource) unavailable in ClusterQueue")
        }
        return .admitted
    }

    /// The resources a Pod requests, sorted: every container's and init container's requests, and its limits
    /// (a limit without a request is also the request, as the API server defaults it).
    static func requestedResources(_ spec: JSONObject) -> [String] {
        var names = Set<String>()
        for key in ["containers", "initContainers"] {
            for container in (spec.array(key) ?? []).compactMap(\.objectValue) {
                let resources = container.object("resources") ?? JSONObject()
                for part in ["requests", "limits"] { names.formUnion(resources.object(part)?.keys ?? []) }
            }
        }
        return names.sorted()
    }

    /// Gates `pod` and writes the status the scheduler reports for a gated Pod.
    static func gate(_ pod: inout JSONObject, time: String) {
        var spec = pod.object("spec") ?? JSONObject()
        var gates = spec.array("schedulingGates") ?? []
        gates.append(.object(JSONObject([.init(key: "name", value: .string(gateName))])))
        spec.set("schedulingGates", .array(gates))
        pod.set("spec", .object(spec))
        markGated(&pod, time: time)
    }

    /// Writes the status the scheduler reports for a Pod with scheduling gates.
    static func markGated(_ pod: inout JSONObject, time: String) {
        var status = pod.object("status") ?? JSONObject()
        var condition = JSONObject()
        condition.append("type", .string("PodScheduled"))
        condition.append("status", .string("False"))
        condition.append("lastProbeTime", .null)
        condition.append("lastTransitionTime", .string(time))
        condition.append("reason", .string("SchedulingGated"))
        condition.append("message", .string("Scheduling is blocked due to non-empty scheduling gates"))
        status.set("conditions", .array([.object(condition)]))
        pod.set("status", .object(status))
    }
}
