import Glibc
import KafkaClient
import KubeSimulator
import Platform

/// Everything the demo runs against, in this process: librdkafka's mock cluster with the standard topics and
/// the Kubernetes API simulator with the executor namespace. ``shutdown()`` stops both and removes the
/// simulator's files.
public final class DemoEnvironment {
    /// Topics and their partition counts.
    public static let topics: [(name: String, partitions: Int)] = [
        ("saga_commands", 6), ("pod_events", 3), ("execution_events", 3), ("saga_commands.dlq", 1),
    ]
    /// The namespace executor Pods go to.
    public static let namespace = "integr8scode"

    /// The mock Kafka cluster.
    public let cluster: KafkaMockCluster
    /// The API simulator.
    public let simulator: APISimulator
    /// The simulator's directory (kubeconfig, certificates).
    public let directory: String

    /// - Parameters:
    ///   - brokers: mock brokers.
    ///   - apiLatency: added to every simulator request.
    ///   - phaseProgression: move Pods through Pending → Running → Succeeded, as kubectl would show.
    ///   - token: the bearer token the simulator accepts and its kubeconfig carries; random when `nil`.
    ///   - garbageCollectionDelay: the simulator's garbage collector, asynchronous as in a cluster.
    ///   - commandPartitions: partitions of `saga_commands` (the other topics keep theirs).
    public init(
        brokers: Int = 3, apiLatency: Duration = .zero, phaseProgression: Bool = true, token: String? = nil,
        garbageCollectionDelay: Duration = .milliseconds(100), commandPartitions: Int = 6
    ) throws(DemoError) {
        var template = Array("/tmp/k8s-worker-demo-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw DemoError("cannot create a temporary directory under /tmp")
        }
        directory = String(cString: created)
        do {
            cluster = try KafkaMockCluster(brokers: brokers)
            for topic in Self.topics {
                let partitions = topic.name == "saga_commands" ? commandPartitions : topic.partitions
                try cluster.createTopic(topic.name, partitions: partitions, replicationFactor: min(3, brokers))
            }
        } catch {
            Self.remove(directory)
            throw DemoError("mock Kafka cluster: \(error)")
        }
        var configuration = SimulatorConfiguration(outputDirectory: directory)
        configuration.namespaces = [Self.namespace]
        configuration.maxGracefulDeletion = .milliseconds(200)
        configuration.garbageCollectionDelay = garbageCollectionDelay
        if phaseProgression { configuration.phaseProgression = PhaseProgression() }
        if apiLatency > .zero { configuration.faults = FaultConfiguration(latency: apiLatency) }
        if let token { configuration.tokens = [token] }
        // As in a cluster: the supervisor and workers (the kubeconfig's token) are the k8s-worker service
        // account, authorized only by deploy/kubernetes/rbac.yaml; the `client-cert` context is system:masters.
        configuration.tokenServiceAccount = ServiceAccountName(namespace: Self.namespace, name: "k8s-worker")
        configuration.authorization = AuthorizationConfiguration(rbac: [
            RBACPolicySource(.text(ShippedRBAC.yaml, name: "deploy/kubernetes/rbac.yaml"))
        ])
        do {
            simulator = try APISimulator(configuration)
            try simulator.start()
        } catch {
            Self.remove(directory)
            throw DemoError("Kubernetes API simulator: \(error)")
        }
    }

    /// `host:port,…` of the mock brokers.
    public var bootstrap: String { cluster.bootstrapServers.joined(separator: ",") }

    /// Stops the simulator and removes its files unless `keepingFiles` (the mock cluster goes with this object).
    public func shutdown(keepingFiles: Bool = false) {
        simulator.stop()
        if !keepingFiles { Self.remove(directory) }
    }

    private static func remove(_ path: String) {
        guard path.hasPrefix("/tmp/k8s-worker-demo-") else { return }
        Spawn.run(["/bin/rm", "-rf", "--", path])
    }
}

extension DemoEnvironment {
    /// The simulator's kubeconfig (for the supervisor, and for kubectl).
    public var kubeconfigPath: String { simulator.kubeconfigPath }
}
