import Glibc
import Events
import IPC
import KubeClient
import KubeExecution
import KubeManifests
import Logging
import Testing

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
        let report = try NamespacePreflight(api: cluster.client, namespace: cluster.namespace, policy: .fail, logger: quiet).run()
        #expect(report.networkPolicyApplied && report.labelsApplied && report.warnings.isEmpty)
        let policy = try #require(cluster.simulator.object(namespace: cluster.namespace, kind: "NetworkPolicy", name: NetworkPolicyManifest.name))
        #expect(policy["spec"]?.objectValue?["policyTypes"]?.arrayValue?.count == 2)
        let namespace = try cluster.client.get("/api/v1/namespaces/\(cluster.namespace)", deadline: .after(.seconds(5)))
        #expect(NamespaceSecurityPatch.missingLabels(in: namespace).isEmpty)
        // Twice is harmless.
        #expect(try NamespacePreflight(api: cluster.client, namespace: cluster.namespace, policy: .fail, logger: quiet).run().networkPolicyApplied)
    }

    @Test("preflight refuses the forbidden namespaces and a namespace that does not exist", arguments: ["default", "kube-system", "missing-ns"])
    func preflightRefuses(namespace: String) throws {
        let cluster = try ClusterHarness()
        #expect(throws: NamespacePreflightError.self) {
            try NamespacePreflight(api: cluster.client, namespace: namespace, policy: .warn, logger: quiet).run()
        }
    }

    @Test("RBAC forbids the writes: 'fail' refuses to start, 'warn' starts and reports both")
    func forbiddenWritesFollowThePolicy() throws {
        let cluster = try ClusterHarness()
        let rbac = FailingAPI(cluster.client) { method, _ in
            method == "PATCH" ? KubeAPIError(kind: .forbidden, code: 403, reason: "Forbidden", message: "no", attempts: 1) : nil
        }
        #expect(throws: NamespacePreflightError.self) {
            try NamespacePreflight(api: rbac, namespace: cluster.namespace, policy: .fail, logger: quiet).run()
        }
        let report = try NamespacePreflight(api: rbac, namespace: cluster.namespace, policy: .warn, logger: quiet).run()
        #expect(!report.networkPolicyApplied && !report.labelsApplied)
        #expect(report.warnings.count == 2)
    }

    @Test("settings survive the trip to the worker", arguments: [
        KubernetesSettings(),
        KubernetesSettings(source: .kubeconfig(path: "/etc/k8s-worker/kubeconfig", context: "prod"), namespace: "exec", qps: 7.5,
            burst: 3, connectTimeout: .milliseconds(1500), requestTimeout: .seconds(9), terminationGracePeriodSeconds: 0,
            runtimeClassName: "gvisor"),
        KubernetesSettings(source: .inCluster(root: "/tmp/sa", host: "10.0.0.1", port: "6443")),
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
            DispatchedCommand(id: 1, attempt: 1, deadlineMilliseconds: 10_000, key: "k", payload: createCommand(executionID)))
        guard case .created = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(cluster.pod(executionID) != nil)
    }

    @Test("unusable settings are refused with the member named")
    func badSettings() {
        #expect(throws: KubernetesSettingsError.self) { try KubernetesSettings(json: Array(#"{"source":"magic"}"#.utf8)) }
        #expect(throws: KubernetesSettingsError.self) { try KubernetesSettings(json: Array(#"{"burst":"ten"}"#.utf8)) }
        #expect(throws: KubernetesSettingsError.self) { try KubernetesSettings(json: Array("not json".utf8)) }
        let error = #expect(throws: KubernetesSettingsError.self) { try KubernetesSettings(json: Array(#"{"qps":"fast"}"#.utf8)) }
        #expect(error?.description.contains("qps") == true, "the member is named")
    }

    @Test("a forbidden namespace cannot even build a handler")
    func handlerRefusesForbiddenNamespace() throws {
        let cluster = try ClusterHarness()
        #expect(throws: ManifestError.self) {
            try KubernetesHandler(settings: KubernetesSettings(namespace: "default"), api: cluster.client, logger: quiet)
        }
    }
}

/// Modes of the credentials file.
@Suite struct CredentialFileCheckTests {
    @Test("0600 and 0640 are fine, 0644 is readable by others, 0620 and 0666 are writable by others", arguments: [
        (0o600, nil), (0o640, nil), (0o400, nil),
        (0o644, CredentialFileCheck.Finding.readableByOthers(mode: "0644")),
        (0o620, CredentialFileCheck.Finding.writableByOthers(mode: "0620")),
        (0o666, CredentialFileCheck.Finding.writableByOthers(mode: "0666")),
    ] as [(Int, CredentialFileCheck.Finding?)])
    func modes(mode: Int, expected: CredentialFileCheck.Finding?) throws {
        let path = "/tmp/kubeexec-mode-\(getpid())-\(mode)"
        let file = fopen(path, "w")
        fclose(file)
        defer { unlink(path) }
        #expect(chmod(path, mode_t(mode)) == 0)
        #expect(CredentialFileCheck.examine(path) == expected)
    }
}
