import Events
import KubeSimulator

/// The executor namespace as the simulator holds it: Pods with their uid and deletion mark, ConfigMaps with
/// their owners.
public struct ClusterSnapshot: Sendable {
    /// A Pod.
    public struct Pod: Sendable, Hashable {
        public var uid: String
        /// Whether it carries a `deletionTimestamp` (it is terminating).
        public var terminating: Bool

        public init(uid: String, terminating: Bool = false) {
            self.uid = uid
            self.terminating = terminating
        }
    }

    /// A ConfigMap's owner reference.
    public struct Owner: Sendable, Hashable {
        public var kind: String
        public var name: String
        public var uid: String

        public init(kind: String, name: String, uid: String) {
            self.kind = kind
            self.name = name
            self.uid = uid
        }
    }

    /// Pods by name.
    public var pods: [String: Pod]
    /// ConfigMaps by name, with their owner references.
    public var configMaps: [String: [Owner]]

    /// A snapshot of these objects.
    public init(pods: [String: Pod], configMaps: [String: [Owner]]) {
        self.pods = pods
        self.configMaps = configMaps
    }

    /// The namespace's executor Pods (label `component: executor`; the image pre-puller's DaemonSet Pod is not one)
    /// and ConfigMaps now.
    public init(simulator: APISimulator, namespace: String) {
        var pods: [String: Pod] = [:]
        for object in simulator.objects(namespace: namespace, kind: "Pod") {
            guard let metadata = object["metadata"]?.objectValue, let name = metadata["name"]?.stringValue,
                metadata["labels"]?.objectValue?["component"]?.stringValue == "executor"
            else {
                continue
            }
            pods[name] = Pod(
                uid: metadata["uid"]?.stringValue ?? "",
                terminating: metadata["deletionTimestamp"].map { !$0.isNull } ?? false)
        }
        var configMaps: [String: [Owner]] = [:]
        for object in simulator.objects(namespace: namespace, kind: "ConfigMap") {
            guard let metadata = object["metadata"]?.objectValue, let name = metadata["name"]?.stringValue else {
                continue
            }
            configMaps[name] = (metadata["ownerReferences"]?.arrayValue ?? []).compactMap { reference in
                guard let owner = reference.objectValue else { return nil }
                return Owner(
                    kind: owner["kind"]?.stringValue ?? "", name: owner["name"]?.stringValue ?? "",
                    uid: owner["uid"]?.stringValue ?? "")
            }
        }
        self.pods = pods
        self.configMaps = configMaps
    }

    /// Executions among `executionIDs` whose Pod exists and is not terminating (a delete has not reached it).
    public static func livePods(of executionIDs: [String], simulator: APISimulator, namespace: String) -> Set<String> {
        Set(
            executionIDs.filter { id in
                guard let pod = simulator.object(namespace: namespace, kind: "Pod", name: podName(id)) else {
                    return false
                }
                return pod["metadata"]?.objectValue?["deletionTimestamp"].map(\.isNull) ?? true
            })
    }

    /// `executor-<execution id>`.
    public static func podName(_ executionID: String) -> String { "executor-" + executionID }
    /// `script-<execution id>`.
    public static func configMapName(_ executionID: String) -> String { "script-" + executionID }
}
