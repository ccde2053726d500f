import Events
import Glibc
import IPC
import KubeAccess
import KubeClient
import KubeconfigLoading
import KubeExecution
import KubeSimulator
import Logging
import TestKit

/// The docs/upstream-contract.md §3.7 create command, with the execution id substituted (and the saga id, script and event id when given).
func createCommand(
    _ executionID: String, language: String = "python", version: String = "3.11",
    image: String = "python:3.11-slim", sagaID: String = "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34",
    script: String = "print('MARKER-SCRIPT')\n", eventID: String = "0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f"
) -> [UInt8] {
    let text =
        #"{"event_id":"EVENT","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"SAGA","execution_id":"EXEC","script":SCRIPT,"language":"LANG","language_version":"VERSION","runtime_image":"IMAGE","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#
    // The script last, so that nothing in it is taken for a placeholder.
    return Array(
        text.replacing("EVENT", with: eventID).replacing("EXEC", with: executionID).replacing("SAGA", with: sagaID)
            .replacing("LANG", with: language).replacing("VERSION", with: version).replacing("IMAGE", with: image)
            .replacing("SCRIPT", with: String(decoding: JSONWriter.encode(.string(script)), as: UTF8.self)).utf8)
}

/// The docs/upstream-contract.md §3.7 delete command.
func deleteCommand(_ executionID: String, podName: String? = nil) -> [UInt8] {
    let pod = podName.map { "\"\($0)\"" } ?? "null"
    let text =
        #"{"event_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","event_type":"delete_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:15.004200Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","reason":"Saga compensation due to failure","pod_name":POD,"namespace":null}"#
    return Array(text.replacing("EXEC", with: executionID).replacing("POD", with: pod).utf8)
}

/// An execution id unique within the test run.
func freshExecutionID() -> String {
    let digits = String(UInt64.random(in: 0...999_999_999_999))
    return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
}

/// A started simulator with the `integr8scode` namespace, a real client over TLS, and a handler.
final class ClusterHarness: @unchecked Sendable {  // immutable after init; the simulator and client are thread-safe
    let simulator: APISimulator
    let client: KubeClient
    /// The same, keeping of responses only what the handler reads, as a worker's client does (KubernetesHandler).
    let workerClient: KubeClient
    let settings: KubernetesSettings
    let namespace = "integr8scode"
    /// nghttpx in front of the simulator when created with `http2`; the client then speaks HTTP/2 to it.
    let proxy: HTTP2Proxy?
    private let directory: String

    /// The worker's user: the shipped policy's service account, which the kubeconfig's token authenticates as.
    static let workerUser = "system:serviceaccount:integr8scode:k8s-worker"

    /// With `rbac` (the default), the simulator authorizes with the shipped deploy/kubernetes/rbac.yaml and the
    /// client is the k8s-worker service account, as in a cluster; without it every request is allowed.
    /// With `http2`, the client reaches the simulator through nghttpx (``HTTP2Proxy``) over HTTP/2.
    init(
        rbac: Bool = true, http2: Bool = false, _ configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) throws {
        var template = Array("/tmp/kubeexec-test-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        var configuration = SimulatorConfiguration(outputDirectory: directory)
        configuration.namespaces = [namespace]
        configuration.maxGracefulDeletion = .milliseconds(50)
        if rbac {
            configuration.tokenServiceAccount = ServiceAccountName(namespace: namespace, name: "k8s-worker")
            configuration.authorization = AuthorizationConfiguration(rbac: [
                RBACPolicySource(.file(RepositoryFile.path("deploy/kubernetes/rbac.yaml")))
            ])
        }
        configure(&configuration)
        simulator = try APISimulator(configuration)
        try simulator.start()
        proxy = http2 ? try HTTP2Proxy(simulator: simulator) : nil
        settings = KubernetesSettings(
            source: .kubeconfig(path: proxy?.kubeconfigPath ?? simulator.kubeconfigPath, context: nil),
            namespace: namespace, qps: 0,
            burst: 1000,
            connectTimeout: .seconds(2), requestTimeout: .seconds(2))
        var clientSettings = settings.clientSettings
        clientSettings.retryBaseDelay = .milliseconds(20)
        clientSettings.retryMaxDelay = .milliseconds(200)
        client = try KubeClient(settings: clientSettings)
        clientSettings.responseSelection = KubernetesHandler.responseFields
        workerClient = try KubeClient(settings: clientSettings)
    }

    deinit {
        proxy?.stop()
        simulator.stop()
        _ = directory.withCString { path in Glibc.system("rm -rf '\(String(cString: path))'") }
    }

    /// Another worker client, with the harness's client settings changed by `adjust`.
    func client(adjusting adjust: (inout KubeClientSettings) -> Void) throws -> KubeClient {
        var clientSettings = workerClient.settings
        adjust(&clientSettings)
        return try KubeClient(settings: clientSettings)
    }

    /// A handler over `api` (the real client unless a test wraps it).
    func handler(api: (any KubernetesAPI)? = nil) throws -> KubernetesHandler {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try KubernetesHandler(settings: settings, api: api ?? workerClient, logger: logger)
    }

    /// Runs one command through a handler with `deadline`.
    func run(
        _ payload: [UInt8], deadline: Duration = .seconds(10), api: (any KubernetesAPI)? = nil, attempt: UInt32 = 1,
        expiresAtMilliseconds: UInt64 = 0, maxCreateAttempts: UInt32 = 0, createAttempts: UInt32 = 0,
        handler: KubernetesHandler? = nil
    ) throws -> CommandOutcome {
        let milliseconds = UInt32(
            deadline.components.seconds * 1000 + deadline.components.attoseconds / 1_000_000_000_000_000)
        return try (handler ?? self.handler(api: api)).handle(
            DispatchedCommand(
                id: 1, attempt: attempt, deadlineMilliseconds: milliseconds, key: "k", payload: payload,
                expiresAtMilliseconds: expiresAtMilliseconds, maxCreateAttempts: maxCreateAttempts,
                createAttempts: createAttempts))
    }

    /// A client with the simulator's admin token (cluster-admin: quotas, other namespaces' objects).
    func admin() throws -> SimulatorClient { try SimulatorClient(simulator: simulator, token: simulator.adminToken) }

    /// The wall clock in milliseconds since the Unix epoch, shifted by `offset` (for expiry times).
    static func wallClockMilliseconds(_ offset: Duration = .zero) -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let shifted =
            Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
            + offset.components.seconds * 1000 + offset.components.attoseconds / 1_000_000_000_000_000
        return UInt64(max(1, shifted))
    }

    func pods() -> [JSONObject] { simulator.objects(namespace: namespace, kind: "Pod") }
    func configMaps() -> [JSONObject] { simulator.objects(namespace: namespace, kind: "ConfigMap") }
    func pod(_ executionID: String) -> JSONObject? {
        simulator.object(namespace: namespace, kind: "Pod", name: "executor-" + executionID)
    }
    func configMap(_ executionID: String) -> JSONObject? {
        simulator.object(namespace: namespace, kind: "ConfigMap", name: "script-" + executionID)
    }

    /// Deletes the execution's Pod directly, orphaning its ConfigMap (as if the garbage collector had not got to
    /// it yet). True once the Pod is gone and the ConfigMap is still there.
    func removePodLeavingConfigMap(_ executionID: String) throws -> Bool {
        _ = try client.delete(
            "/api/v1/namespaces/\(namespace)/pods/executor-\(executionID)",
            body: Array(#"{"gracePeriodSeconds":0,"propagationPolicy":"Orphan"}"#.utf8), deadline: .after(.seconds(5)))
        return TestPolling.eventually { pod(executionID) == nil } && configMap(executionID) != nil
    }

    /// ConfigMaps whose owner Pod does not exist (the garbage collector would remove them; none may exist at
    /// rest after our flows, and none may be ownerless).
    func orphanConfigMaps() -> [String] {
        let podUIDs = Set(pods().compactMap { $0["metadata"]?.objectValue?["uid"]?.stringValue })
        return configMaps().compactMap { configMap in
            let owners =
                configMap["metadata"]?.objectValue?["ownerReferences"]?.arrayValue?.compactMap {
                    $0.objectValue?["uid"]?.stringValue
                } ?? []
            return owners.contains(where: podUIDs.contains)
                ? nil : configMap["metadata"]?.objectValue?["name"]?.stringValue
        }
    }
}

/// Wraps an API and fails chosen calls, for failure paths the simulator cannot produce (RBAC, 422 on a ConfigMap).
final class FailingAPI: KubernetesAPI, @unchecked Sendable {
    let inner: any KubernetesAPI
    let failure: @Sendable (_ method: String, _ path: String) -> KubeAPIError?
    init(_ inner: any KubernetesAPI, failure: @escaping @Sendable (String, String) -> KubeAPIError?) {
        self.inner = inner
        self.failure = failure
    }
    func create(_ collectionPath: String, body: [UInt8], deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        if let error = failure("POST", collectionPath) { throw error }
        return try inner.create(collectionPath, body: body, deadline: deadline)
    }
    func get(_ path: String, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        if let error = failure("GET", path) { throw error }
        return try inner.get(path, deadline: deadline)
    }
    func delete(_ path: String, body: [UInt8]?, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        if let error = failure("DELETE", path) { throw error }
        return try inner.delete(path, body: body, deadline: deadline)
    }
    func patch(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        if let error = failure("PATCH", path) { throw error }
        return try inner.patch(path, body: body, contentType: contentType, query: query, deadline: deadline)
    }
}
