import Events
import Glibc
import IPC
import KubeAccess
import KubeClient
import KubeExecution
import KubeManifests
import KubePreflight
import Logging
import Observability
import SupervisorCore
import Testing
import TestKit

/// Namespace preparation at start, and the settings handed to workers.
@Suite struct PreflightAndSettingsTests {
    private var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test("preflight applies the deny-all NetworkPolicy (server-side apply) and the Pod Security labels")
    func preflightPreparesTheNamespace() throws {
        let cluster = try ClusterHarness()
        let report = try NamespacePreflight(
            api: cluster.client, namespace: cluster.namespace, policy: .fail, logger: quiet
        ).run()
        #expect(report.networkPolicyApplied && report.labelsApplied && report.warnings.isEmpty)
        let policy = try #require(
            cluster.simulator.object(
                namespace: cluster.namespace, kind: "NetworkPolicy", name: NetworkPolicyManifest.name))
        #expect(policy["spec"]?.objectValue?["policyTypes"]?.arrayValue?.count == 2)
        let namespace = try cluster.client.get("/api/v1/namespaces/\(cluster.namespace)", deadline: .after(.seconds(5)))
        #expect(NamespaceSecurityPatch.missingLabels(in: namespace).isEmpty)
        // Twice is harmless.
        #expect(
            try NamespacePreflight(api: cluster.client, namespace: cluster.namespace, policy: .fail, logger: quiet)
                .run().networkPolicyApplied)
    }

    @Test(
        "preflight refuses the forbidden namespaces and a namespace that does not exist",
        arguments: ["default", "kube-system", "missing-ns"])
    func preflightRefuses(namespace: String) throws {
        // Without RBAC: under the shipped policy a namespace the worker holds no rights in answers 403, not 404
        // (the API server does not reveal what a caller may not read), which 'warn' tolerates.
        let cluster = try ClusterHarness(rbac: false)
        #expect(throws: NamespacePreflightError.self) {
            try NamespacePreflight(api: cluster.client, namespace: namespace, policy: .warn, logger: quiet).run()
        }
    }

    @Test("RBAC forbids the writes: 'fail' refuses to start, 'warn' starts and reports both")
    func forbiddenWritesFollowThePolicy() throws {
        let cluster = try ClusterHarness()
        let rbac = FailingAPI(cluster.client) { method, _ in
            method == "PATCH"
                ? KubeAPIError(kind: .forbidden, code: 403, reason: "Forbidden", message: "no", attempts: 1) : nil
        }
        #expect(throws: NamespacePreflightError.self) {
            try NamespacePreflight(api: rbac, namespace: cluster.namespace, policy: .fail, logger: quiet).run()
        }
        let report = try NamespacePreflight(api: rbac, namespace: cluster.namespace, policy: .warn, logger: quiet).run()
        #expect(!report.networkPolicyApplied && !report.labelsApplied)
        #expect(report.warnings.count == 2)
    }

    @Test(
        "settings survive the trip to the worker",
        arguments: [
            KubernetesSettings(),
            KubernetesSettings(
                source: .kubeconfig(path: "/etc/k8s-worker/kubeconfig", context: "prod"), namespace: "exec", qps: 7.5,
                burst: 3, connectTimeout: .milliseconds(1500), requestTimeout: .seconds(9),
                terminationGracePeriodSeconds: 0,
                runtimeClassName: "gvisor"),
            KubernetesSettings(source: .inCluster(root: "/tmp/sa", host: "10.0.0.1", port: "6443")),
            KubernetesSettings(rateLimit: .fixed, qps: 300, burst: 20, rateLimitDescriptor: 4),
            KubernetesSettings(rateLimit: .off),
        ])
    func settingsRoundTrip(settings: KubernetesSettings) throws {
        #expect(try KubernetesSettings(json: settings.json) == settings)
    }

    @Test("the resolved cluster configuration travels with the settings; without it a worker refuses to start")
    func resolvedClusterTravels() throws {
        let cluster = try ClusterHarness()
        var settings = cluster.settings
        settings.cluster = cluster.client.config
        let received = try KubernetesSettings(json: settings.json)
        #expect(received.cluster == cluster.client.config)
        #expect(throws: KubernetesStartupError.self) {
            var unresolved = settings
            unresolved.cluster = nil
            _ = try KubernetesHandler.make(settings: unresolved, logger: quiet)
        }
        // A handler built from what a worker receives reaches the API with those credentials.
        let handler = try KubernetesHandler.make(settings: received, logger: quiet)
        let executionID = freshExecutionID()
        let outcome = handler.handle(
            DispatchedCommand(
                id: 1, attempt: 1, deadlineMilliseconds: 10_000, key: "k", payload: createCommand(executionID)))
        guard case .created = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(cluster.pod(executionID) != nil)
    }

    @Test("unusable settings are refused with the member named")
    func badSettings() {
        #expect(throws: KubernetesSettingsError.self) {
            try KubernetesSettings(json: Array(#"{"source":"magic"}"#.utf8))
        }
        #expect(throws: KubernetesSettingsError.self) { try KubernetesSettings(json: Array(#"{"burst":"ten"}"#.utf8)) }
        #expect(throws: KubernetesSettingsError.self) { try KubernetesSettings(json: Array("not json".utf8)) }
        #expect(throws: KubernetesSettingsError.self) {
            try KubernetesSettings(json: Array(#"{"rate_limit":"sometimes"}"#.utf8))
        }
        #expect(throws: KubernetesSettingsError.self) {
            try KubernetesSettings(json: Array(#"{"rate_limit_fd":1}"#.utf8))
        }
        let error = #expect(throws: KubernetesSettingsError.self) {
            try KubernetesSettings(json: Array(#"{"qps":"fast"}"#.utf8))
        }
        #expect(error?.description.contains("qps") == true, "the member is named")
    }

    @Test(
        "a worker told of a shared rate-limit page uses it, and refuses to start on a descriptor that holds none"
    )
    func sharedRateLimitPage() throws {
        let cluster = try ClusterHarness()
        var settings = cluster.settings
        settings.cluster = cluster.client.config
        let shared = try RateLimiter.sharable(mode: .adaptive, qps: 1000, burst: 10)
        settings.rateLimitDescriptor = try #require(shared.descriptor)
        let handler = try KubernetesHandler.make(settings: settings, logger: quiet)
        let before = shared.snapshot.granted
        guard
            case .created = handler.handle(
                DispatchedCommand(
                    id: 1, attempt: 1, deadlineMilliseconds: 10_000, key: "k",
                    payload: createCommand(freshExecutionID())))
        else {
            Issue.record("the create failed")
            return
        }
        #expect(shared.snapshot.granted >= before + 3, "the handler's three calls went through the shared page")
        // A descriptor that is not an initialized page (a pipe): the worker refuses rather than limit itself alone.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { fds.forEach { close($0) } }
        settings.rateLimitDescriptor = fds[0]
        #expect(throws: KubernetesStartupError.self) {
            _ = try KubernetesHandler.make(settings: settings, logger: quiet)
        }
    }

    @Test("the supervisor's shared limit: in STATUS and /metrics, rewritten by a reload, passed to every worker")
    func sharedRateLimitCompanion() throws {
        var configuration = Configuration()
        let rateLimit = try SharedRateLimit(configuration)
        #expect(rateLimit.descriptor > 2)
        #expect(rateLimit.status == "api rate 2000/s of 2000 (adaptive; 0 throttled)")
        configuration.kubernetes.rateLimit = .fixed
        configuration.kubernetes.qps = 150
        rateLimit.reloaded(loaded: configuration, inForce: configuration)
        #expect(rateLimit.status == "api rate 150/s of 150 (fixed; 0 throttled)")
        let families = Dictionary(uniqueKeysWithValues: rateLimit.metricFamilies().map { ($0.name, $0) })
        #expect(families["k8s_worker_kubernetes_api_rate_limit"]?.samples.first?.value == 150)
        let ceiling = families["k8s_worker_kubernetes_api_rate_limit_ceiling"]?.samples ?? []
        #expect(ceiling.map(\.value) == [0, 150, 0], "one series per mode, the one in force set")
        configuration.kubernetes.qps = 0
        rateLimit.reloaded(loaded: configuration, inForce: configuration)
        #expect(rateLimit.status == "api rate unlimited (0 throttled)")
        // Each worker's welcome names descriptor 4, where the launcher puts the page.
        configuration.workers.handler = .kubernetes
        let welcome = try KubernetesSettings(
            json: WorkerSettings(logger: quiet, sharingRateLimit: true)(configuration))
        #expect(welcome.rateLimitDescriptor == 4 && welcome.rateLimit == .fixed && welcome.qps == 0)
    }

    @Test("a forbidden namespace cannot even build a handler")
    func handlerRefusesForbiddenNamespace() throws {
        let cluster = try ClusterHarness()
        #expect(throws: ManifestError.self) {
            try KubernetesHandler(
                settings: KubernetesSettings(namespace: "default"), api: cluster.client, logger: quiet)
        }
    }
}

/// Modes and owners of the credentials file and its directories.
@Suite struct CredentialFileCheckTests {
    @Test(
        "0600 and 0640 are fine, 0644 is readable by others, 0620 and 0666 are writable by others",
        arguments: [
            (0o600, nil), (0o640, nil), (0o400, nil),
            (0o644, CredentialFileCheck.Finding.readableByOthers(mode: "0644")),
            (0o620, CredentialFileCheck.Finding.writableByOthers(mode: "0620")),
            (0o666, CredentialFileCheck.Finding.writableByOthers(mode: "0666")),
        ] as [(Int, CredentialFileCheck.Finding?)])
    func modes(mode: Int, expected: CredentialFileCheck.Finding?) throws {
        let directory = try Self.directory()
        defer { Self.remove(directory) }
        let path = try Self.file(in: directory)
        #expect(chmod(path, mode_t(mode)) == 0)
        #expect(CredentialFileCheck.examine(path) == expected)
        #expect(CredentialFileCheck.examine(path)?.refuses == (expected.map { $0 != .readableByOthers(mode: "0644") }))
    }

    @Test("a file owned by another user is refused")
    func owner() throws {
        let directory = try Self.directory()
        defer { Self.remove(directory) }
        let path = try Self.file(in: directory)
        let owner = UInt32(geteuid())
        // Trusting only someone else makes this process's own file "another user's", without needing root.
        let stranger: UInt32 = owner == 54_321 ? 54_322 : 54_321
        #expect(CredentialFileCheck.examine(path, trustedOwners: [stranger]) == .ownedByOther(uid: owner))
        #expect(CredentialFileCheck.examine(path, trustedOwners: [stranger])?.refuses == true)
    }

    @Test("a directory above the file that others can write is refused, unless it is sticky; symlinks are followed")
    func directories() throws {
        let directory = try Self.directory()
        defer { Self.remove(directory) }
        let path = try Self.file(in: directory)
        #expect(CredentialFileCheck.examine(path) == nil)
        #expect(chmod(directory, 0o777) == 0)
        #expect(
            CredentialFileCheck.examine(path)
                == .unsafeDirectory(path: directory, reason: "is writable by others (mode 0777)"))
        #expect(chmod(directory, 0o1777) == 0)
        #expect(CredentialFileCheck.examine(path) == nil, "a sticky directory protects the files others own")
        #expect(chmod(directory, 0o770) == 0)
        #expect(
            CredentialFileCheck.examine(path)
                == .unsafeDirectory(path: directory, reason: "is writable by others (mode 0770)"))
        #expect(chmod(directory, 0o700) == 0)

        // A link in a safe place to a file in an unsafe one is judged by where the file really is.
        let unsafe = directory + "/open"
        #expect(mkdir(unsafe, 0o700) == 0)
        let target = try Self.file(in: unsafe)
        #expect(chmod(unsafe, 0o777) == 0)
        let link = directory + "/link"
        #expect(symlink(target, link) == 0)
        #expect(
            CredentialFileCheck.examine(link)
                == .unsafeDirectory(path: unsafe, reason: "is writable by others (mode 0777)"))
        #expect(CredentialFileCheck.examine(directory + "/missing") == nil, "loading reports a missing file")
    }

    @Test("a credential plugin is an executable: readable by all is fine, writable by others is refused")
    func plugin() throws {
        // A plugin others could replace would run their code as the service: refused like an open kubeconfig.
        let directory = try Self.directory()
        defer { Self.remove(directory) }
        let executable = try Self.file(in: directory)
        #expect(chmod(executable, 0o755) == 0)
        #expect(CredentialFileCheck.examine(executable)?.refuses != true)
        #expect(chmod(executable, 0o775) == 0)
        #expect(CredentialFileCheck.examine(executable) == .writableByOthers(mode: "0775"))
    }

    /// A fresh 0700 directory under /tmp (sticky, root's: trusted).
    private static func directory() throws -> String { Scratch.directory(prefix: "kubeexec-credentials") }

    private static func file(in directory: String) throws -> String {
        let path = directory + "/kubeconfig"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        close(descriptor)
        return path
    }

    private static func remove(_ directory: String) {
        _ = chmod(directory, 0o700)
        _ = chmod(directory + "/open", 0o700)
        Scratch.remove(directory)
    }
}
