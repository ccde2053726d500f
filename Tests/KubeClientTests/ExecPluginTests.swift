import Events
import Glibc
import KubeClient
import KubeSimulator
import Testing

/// `exec` credential plugins: small shell scripts that count their runs in a file.
@Suite("Exec credential plugins")
struct ExecPluginTests {
    /// Writes `plugin.sh` into the harness's scratch directory. It counts its runs in `count`, saves
    /// `KUBERNETES_EXEC_INFO` in `exec-info`, and prints an ExecCredential whose token is `token` on run 1 and
    /// `laterToken` afterwards.
    private func writePlugin(
        _ harness: SimulatorHarness, apiVersion: String = "client.authentication.k8s.io/v1", token: String,
        laterToken: String? = nil, expiry: String?, failWith status: Int? = nil
    ) {
        let expiryField = expiry.map { #","expirationTimestamp":"\#($0)""# } ?? ""
        var script = """
            #!/bin/sh
            count=$(cat "$STATE/count" 2>/dev/null || echo 0)
            count=$((count + 1))
            echo "$count" > "$STATE/count"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$STATE/exec-info"
            token='\(token)'
            if [ "$count" -gt 1 ]; then token='\(laterToken ?? token)'; fi

            """
        if let status {
            script += "echo 'plugin diagnostics on stderr' >&2\necho \"secret-on-stdout-$token\"\nexit \(status)\n"
        } else {
            script += """
                printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"\(expiryField)}}' '\(apiVersion)' "$token"

                """
        }
        TestSupport.write(script, to: "\(harness.scratch)/plugin.sh", mode: 0o755)
    }

    /// A kubeconfig whose user runs `./plugin.sh` (relative to the kubeconfig) with `STATE` in its environment.
    private func kubeconfig(
        _ harness: SimulatorHarness, apiVersion: String = "client.authentication.k8s.io/v1"
    )
        -> String
    {
        harness.kubeconfig(user: [
            "    exec:", "      apiVersion: \(apiVersion)", "      command: ./plugin.sh", "      args: [\"--ignored\"]",
            "      env:", "      - name: STATE", "        value: \(harness.scratch)", "      provideClusterInfo: true",
            "      interactiveMode: Never",
        ])
    }

    private func runs(_ harness: SimulatorHarness) -> Int {
        Int(TestSupport.read("\(harness.scratch)/count").filter(\.isNumber)) ?? 0
    }

    @Test("a credential with a far expiry is cached: three calls, one plugin run; the plugin sees the cluster")
    func cachedUntilExpiry() throws {
        let harness = try TestSupport.simulator()
        writePlugin(harness, token: harness.simulator.token, expiry: "2099-01-01T00:00:00Z")
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: kubeconfig(harness), context: nil)))
        #expect(client.config.credentials == [.exec(command: "./plugin.sh")])
        for _ in 0..<3 { _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon) }
        #expect(runs(harness) == 1)

        let info = try JSONParser().parse(TestSupport.read("\(harness.scratch)/exec-info"))
        #expect(info.text("apiVersion") == "client.authentication.k8s.io/v1")
        #expect(info.text("kind") == "ExecCredential")
        #expect(info.at("spec.interactive") == .bool(false))
        #expect(info.text("spec.cluster.server") == harness.simulator.url)
        let ca = try #require(info.text("spec.cluster.certificate-authority-data"))
        #expect(ca == TestSupport.base64(harness.simulator.caPEM))
    }

    @Test("an expired credential makes every call run the plugin again (v1beta1 too)")
    func rerunWhenExpired() throws {
        let harness = try TestSupport.simulator()
        let version = "client.authentication.k8s.io/v1beta1"
        writePlugin(harness, apiVersion: version, token: harness.simulator.token, expiry: "2001-02-03T04:05:06Z")
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: kubeconfig(harness, apiVersion: version), context: nil)))
        for _ in 0..<3 { _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon) }
        #expect(runs(harness) == 3)
    }

    @Test("a 401 re-runs the plugin once and the call succeeds with the new token")
    func rerunOn401() throws {
        let harness = try TestSupport.simulator()
        writePlugin(harness, token: "stale-token", laterToken: harness.simulator.token, expiry: nil)
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: kubeconfig(harness), context: nil)))
        let response = try client.send(.init(method: "GET", path: "/api/v1/namespaces/ns"), deadline: TestSupport.soon)
        #expect(response.attempts == 2)
        #expect(runs(harness) == 2)
        #expect(harness.simulator.counters.unauthorized == 1)
        _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        #expect(runs(harness) == 2, "no expiry: cached until the next 401")
    }

    @Test("a plugin that keeps returning a refused token: one refresh, then .unauthorized marked transient")
    func refusedAfterRefresh() throws {
        let harness = try TestSupport.simulator()
        writePlugin(harness, token: "bad-1", laterToken: "bad-2", expiry: nil)
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: kubeconfig(harness), context: nil)))
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        }
        #expect(error.kind == .unauthorized && error.attempts == 2 && error.isTransient)
        #expect(runs(harness) == 2)
    }

    @Test("a failing plugin is .configuration with its exit status, not its output")
    func failingPlugin() throws {
        let harness = try TestSupport.simulator()
        writePlugin(harness, token: "hunter2", expiry: nil, failWith: 3)
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: kubeconfig(harness), context: nil)))
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        }
        #expect(error.kind == .configuration)
        #expect(error.message.contains("./plugin.sh") && error.message.contains("exited with status 3"))
        #expect(!error.message.contains("hunter2") && !error.message.contains("diagnostics"))
        #expect(error.attempts == 0)
        #expect(harness.simulator.counters.requests == 0)
    }

    @Test("a plugin that hangs is killed at the exec timeout")
    func hangingPlugin() throws {
        let harness = try TestSupport.simulator()
        TestSupport.write("#!/bin/sh\nexec sleep 30\n", to: "\(harness.scratch)/plugin.sh", mode: 0o755)
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: kubeconfig(harness), context: nil)) {
                $0.execTimeout = .milliseconds(300)
            })
        let started = KubeDeadline.now()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        }
        #expect(error.kind == .configuration && error.message.contains("did not finish in time"))
        #expect(started.advanced(by: .seconds(5)) > .now())
    }

    @Test("invalid plugin output names the problem: wrong apiVersion, no credential, bad expiry")
    func invalidOutput() throws {
        let harness = try TestSupport.simulator()
        let cases: [(String, String)] = [
            (
                #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"x"}}"#,
                "apiVersion"
            ),
            (
                #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#,
                "neither a token"
            ),
            (
                #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x","expirationTimestamp":"soon"}}"#,
                "expirationTimestamp"
            ),
            ("not json at all", "not a JSON object"),
        ]
        for (output, fragment) in cases {
            TestSupport.write(
                "#!/bin/sh\ncat <<'EOF'\n\(output)\nEOF\n", to: "\(harness.scratch)/plugin.sh", mode: 0o755)
            let client = try KubeClient(
                settings: TestSupport.settings(.kubeconfig(path: kubeconfig(harness), context: nil)))
            let error = try #require(throws: KubeAPIError.self) {
                try client.get("/api", deadline: TestSupport.soon)
            }
            #expect(error.kind == .configuration && error.message.contains(fragment), "\(error.message)")
        }
    }
}
