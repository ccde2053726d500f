import Events
import KubeClient
import KubeManifests

/// Everything a worker's Kubernetes handler needs, decided by the supervisor's configuration and handed to
/// each worker in its welcome message (as JSON, so the two executables never disagree on a binary layout).
public struct KubernetesSettings: Sendable, Equatable {
    /// Where the cluster and credentials come from.
    public var source: KubeClusterSource
    /// `source`, resolved by the supervisor. Workers build their client from it and never parse a kubeconfig
    /// themselves (that would need a YAML parser and Foundation in every worker). Holds secrets.
    public var cluster: KubeClusterConfig?
    /// The namespace of every object. Never one of ``ForbiddenNamespaces``.
    public var namespace: String
    /// The client-side rate limit: its mode, its ceiling in requests per second (0 = unlimited) and the burst
    /// allowed above it (README, "API rate limit").
    public var rateLimit: RateLimitMode
    public var qps: Double
    public var burst: Int
    /// The descriptor on which a worker finds the rate-limit page its supervisor shares with all its workers
    /// (``sharedRateLimitDescriptor``), or `nil`: each client then limits itself with the settings above.
    public var rateLimitDescriptor: Int32?
    /// Connection set-up limit and per-attempt limit of one API request.
    public var connectTimeout: Duration
    public var requestTimeout: Duration
    /// `terminationGracePeriodSeconds` of the Pods and `gracePeriodSeconds` of deletes.
    public var terminationGracePeriodSeconds: Int
    /// `spec.runtimeClassName` (e.g. gVisor's `runsc`), or `nil` (``PodPolicy/runtimeClassName`` wins when set).
    public var runtimeClassName: String?
    /// The configurable part of the executor Pod (the supervisor's `pod:` section).
    public var pod: PodPolicy

    /// Creates settings; the defaults are the production defaults.
    public init(
        source: KubeClusterSource = .automatic, namespace: String = "integr8scode",
        rateLimit: RateLimitMode = .adaptive,
        qps: Double = KubernetesSettings.defaultQPS, burst: Int = KubernetesSettings.defaultBurst,
        rateLimitDescriptor: Int32? = nil,
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(15),
        terminationGracePeriodSeconds: Int = 5, runtimeClassName: String? = nil, cluster: KubeClusterConfig? = nil,
        pod: PodPolicy = PodPolicy()
    ) {
        self.pod = pod
        self.source = source
        self.cluster = cluster
        self.namespace = namespace
        self.rateLimit = rateLimit
        self.qps = qps
        self.burst = burst
        self.rateLimitDescriptor = rateLimitDescriptor
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.runtimeClassName = runtimeClassName
    }

    /// The shipped ceiling of the API rate limit, for all the workers of one supervisor together (requests per
    /// second; README, "API rate limit"). It is a safety cap, not the operating point: the adaptive limit runs
    /// at the ceiling until the server answers 429 or 503, and kube-apiserver sheds load itself (API Priority
    /// and Fairness; by default 600 requests in flight, `--max-requests-inflight` 400 plus
    /// `--max-mutating-requests-inflight` 200). 2,000 is above what one supervisor's workers reach on the
    /// simulator with no limit (a create is three requests), so the shipped limit costs no throughput there.
    public static let defaultQPS = 2_000.0
    /// Requests that may go at once above the rate: one per in-flight slot of a large pool.
    public static let defaultBurst = 200
    /// The descriptor a worker inherits the rate-limit page on: the first after its IPC socket (3), where the
    /// supervisor's launcher puts the first descriptor it passes on.
    public static let sharedRateLimitDescriptor: Int32 = 4

    /// The manifest settings these imply, the ``pod`` policy's fields included.
    public var manifestSettings: ManifestSettings {
        pod.apply(
            to: ManifestSettings(
                namespace: namespace, runtimeClassName: runtimeClassName,
                terminationGracePeriodSeconds: terminationGracePeriodSeconds))
    }

    /// The manifest builder these imply: the ``pod`` policy's registry and resources over ``manifestSettings``.
    public func manifestBuilder() throws(ManifestError) -> ExecutionManifestBuilder {
        try ExecutionManifestBuilder(
            registry: try pod.registry(), policy: pod.resources, settings: manifestSettings)
    }

    /// The client settings these imply.
    public var clientSettings: KubeClientSettings {
        var settings = KubeClientSettings(source: source)
        settings.rateLimit = rateLimit
        settings.qps = qps
        settings.burst = burst
        settings.connectTimeout = connectTimeout
        settings.requestTimeout = requestTimeout
        settings.userAgent = "k8s-worker"
        return settings
    }

    // MARK: - Wire form

    /// The JSON form sent to workers.
    public var json: [UInt8] {
        var members: [JSONObject.Member] = []
        func add(_ key: String, _ value: JSONValue) { members.append(JSONObject.Member(key: key, value: value)) }
        switch source {
        case .automatic:
            add("source", .string("auto"))
        case .kubeconfig(let path, let context):
            add("source", .string("kubeconfig"))
            add("kubeconfig", .string(path))
            if let context { add("context", .string(context)) }
        case .inCluster(let root, let host, let port):
            add("source", .string("in-cluster"))
            add("in_cluster_root", .string(root))
            if let host { add("in_cluster_host", .string(host)) }
            if let port { add("in_cluster_port", .string(port)) }
        }
        add("namespace", .string(namespace))
        add("rate_limit", .string(rateLimit.rawValue))
        add("qps", JSONNumber(qps).map(JSONValue.number) ?? .null)
        add("burst", .number(JSONNumber(burst)))
        if let rateLimitDescriptor { add("rate_limit_fd", .number(JSONNumber(Int(rateLimitDescriptor)))) }
        add("connect_timeout_ms", .number(JSONNumber(connectTimeout.milliseconds)))
        add("request_timeout_ms", .number(JSONNumber(requestTimeout.milliseconds)))
        add("termination_grace_period_seconds", .number(JSONNumber(terminationGracePeriodSeconds)))
        add("runtime_class", runtimeClassName.map(JSONValue.string) ?? .null)
        add("pod", pod.wire)
        if let cluster { add("cluster", cluster.wire) }
        return JSONWriter.encode(.object(JSONObject(members)))
    }

    /// Reads the JSON form. Missing members keep their defaults; a wrong type is an error naming the member.
    public init(json bytes: [UInt8]) throws(KubernetesSettingsError) {
        self.init()
        let value: JSONValue
        do { value = try JSONParser().parse(bytes) } catch {
            throw KubernetesSettingsError("settings are not JSON: \(error)")
        }
        guard let object = value.objectValue else { throw KubernetesSettingsError("settings are not a JSON object") }
        func text(_ key: String) throws(KubernetesSettingsError) -> String? {
            guard let member = object[key], !member.isNull else { return nil }
            guard let text = member.stringValue else { throw KubernetesSettingsError("'\(key)' must be a string") }
            return text
        }
        func number(_ key: String) throws(KubernetesSettingsError) -> JSONNumber? {
            guard let member = object[key], !member.isNull else { return nil }
            guard let number = member.numberValue else { throw KubernetesSettingsError("'\(key)' must be a number") }
            return number
        }
        func integer(_ key: String) throws(KubernetesSettingsError) -> Int? {
            guard let number = try number(key) else { return nil }
            guard let value = number.int64Value, let exact = Int(exactly: value) else {
                throw KubernetesSettingsError("'\(key)' must be an integer")
            }
            return exact
        }
        switch try text("source") ?? "auto" {
        case "auto":
            source = .automatic
        case "kubeconfig":
            guard let path = try text("kubeconfig") else {
                throw KubernetesSettingsError("'kubeconfig' is required with source kubeconfig")
            }
            source = .kubeconfig(path: path, context: try text("context"))
        case "in-cluster":
            source = .inCluster(
                root: try text("in_cluster_root") ?? "/var/run/secrets/kubernetes.io/serviceaccount",
                host: try text("in_cluster_host"), port: try text("in_cluster_port"))
        case let other:
            throw KubernetesSettingsError("unknown source '\(other)'")
        }
        if let namespace = try text("namespace") { self.namespace = namespace }
        if let mode = try text("rate_limit") {
            guard let parsed = RateLimitMode(rawValue: mode) else {
                throw KubernetesSettingsError("unknown rate_limit '\(mode)'")
            }
            rateLimit = parsed
        }
        if let qps = try number("qps") { self.qps = qps.doubleValue }
        if let burst = try integer("burst") { self.burst = burst }
        if let descriptor = try integer("rate_limit_fd") {
            guard let fd = Int32(exactly: descriptor), fd > 2 else {
                throw KubernetesSettingsError("'rate_limit_fd' must be a descriptor above 2")
            }
            rateLimitDescriptor = fd
        }
        if let connect = try integer("connect_timeout_ms") { connectTimeout = .milliseconds(connect) }
        if let request = try integer("request_timeout_ms") { requestTimeout = .milliseconds(request) }
        if let grace = try integer("termination_grace_period_seconds") { terminationGracePeriodSeconds = grace }
        runtimeClassName = try text("runtime_class")
        if let member = object["pod"], !member.isNull {
            do { pod = try PodPolicy(wire: member) } catch { throw KubernetesSettingsError("\(error.reason)") }
        }
        if let member = object["cluster"], !member.isNull {
            do { cluster = try KubeClusterConfig(wire: member) } catch { throw KubernetesSettingsError("\(error)") }
        }
    }
}

/// Unusable handler settings (a supervisor/worker mismatch or a bad configuration).
public struct KubernetesSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Duration {
    /// Whole milliseconds, rounded down; saturating.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? Int.max : Int(clamping: scaled + attoseconds / 1_000_000_000_000_000)
    }
}
