import Events
import Glibc
import Testing

@testable import KubeClient
@testable import KubeconfigLoading

/// Kubeconfig and in-cluster loading without a server: what is accepted, and what each broken file says.
@Suite("Configuration loading")
struct KubeconfigTests {
    static let secret = "s3cr3t-TOKEN-value-1234567890"
    static let fakePEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    /// Writes `text` as a kubeconfig in a fresh directory and loads it.
    private func load(
        _ text: String, context: String? = nil, files: [String: String] = [:]
    ) throws(KubeAPIError) -> KubeClusterConfig {
        let directory = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        for (name, content) in files { TestSupport.write(content, to: "\(directory)/\(name)") }
        TestSupport.write(text, to: "\(directory)/config")
        return try KubeClusterConfig.load(.kubeconfig(path: "\(directory)/config", context: context))
    }

    /// A valid kubeconfig whose parts can be replaced.
    private func kubeconfig(
        cluster: String = "    server: https://10.1.2.3:6443\n    certificate-authority: ca.pem",
        user: String = "    token: \(secret)", current: String = "current-context: main"
    ) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c1
          cluster:
        \(cluster)
        users:
        - name: u1
          user:
        \(user)
        contexts:
        - name: main
          context:
            cluster: c1
            user: u1
            namespace: team-a
        - name: other
          context:
            cluster: c1
        \(current)

        """
    }

    /// Expects a `.configuration` error whose message contains every fragment and never the token.
    private func expectProblem(
        _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> KubeClusterConfig
    ) {
        do {
            _ = try body()
            Issue.record("expected a configuration error", sourceLocation: sourceLocation)
        } catch let error as KubeAPIError {
            #expect(error.kind == .configuration, sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
            }
            #expect(!error.message.contains(Self.secret), sourceLocation: sourceLocation)
            #expect(!error.description.contains(Self.secret), sourceLocation: sourceLocation)
            #expect(!error.message.contains("s3cr3t"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a valid file: current context, namespace, CA path relative to the file, static token")
    func validFile() throws {
        let config = try load(kubeconfig(), files: ["ca.pem": Self.fakePEM])
        #expect(config.server == "https://10.1.2.3:6443")
        #expect(config.namespace == "team-a")
        #expect(config.caPEM == Array(Self.fakePEM.utf8))
        #expect(config.credentials == [.token])
        #expect(config.origin.contains("context \"main\""))
        #expect(config.warnings.isEmpty && !config.insecureSkipTLSVerify)
        if case .token(let token) = config.bearer { #expect(token == Self.secret) } else { Issue.record("no token") }
    }

    @Test("a named context replaces current-context; a context without user is anonymous")
    func namedContext() throws {
        let config = try load(kubeconfig(), context: "other", files: ["ca.pem": Self.fakePEM])
        #expect(config.namespace == nil)
        #expect(config.credentials.isEmpty)
    }

    @Test("insecure-skip-tls-verify loads with a loud warning")
    func insecureWarning() throws {
        let config = try load(kubeconfig(cluster: "    server: https://h:1\n    insecure-skip-tls-verify: true"))
        #expect(config.insecureSkipTLSVerify)
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.contains("NOT verified") == true)
    }

    @Test("KUBECONFIG-style merge: the first file to define a name or current-context wins")
    func merge() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        TestSupport.write(
            "clusters:\n- name: c1\n  cluster:\n    server: https://first:1\ncurrent-context: main\n",
            to: "\(directory)/one")
        TestSupport.write(kubeconfig(cluster: "    server: https://second:2"), to: "\(directory)/two")
        let config = try Kubeconfig.load(paths: ["\(directory)/one", "\(directory)/two"], context: nil, home: nil)
        #expect(config.server == "https://first:1")
        #expect(config.namespace == "team-a")
    }

    @Test("YAML syntax errors give the position, not the text around it")
    func syntaxError() {
        expectProblem(["not valid YAML", "line"]) {
            try load("users:\n- name: u\n  user:\n    token: \(Self.secret)\n  bad: [unclosed\n")
        }
        expectProblem(["must be a mapping"]) { try load("- just\n- a list\n") }
    }

    @Test("missing pieces are named: current-context, context, cluster, server, user")
    func missingPieces() {
        expectProblem(["current-context is not set"]) {
            try load(kubeconfig(current: ""), files: ["ca.pem": Self.fakePEM])
        }
        expectProblem(["context \"nope\" not found"]) {
            try load(kubeconfig(), context: "nope", files: ["ca.pem": Self.fakePEM])
        }
        expectProblem(["clusters[\"c1\"].cluster.server is missing"]) {
            try load(kubeconfig(cluster: "    insecure-skip-tls-verify: true"))
        }
        expectProblem(["server", "https://"]) { try load(kubeconfig(cluster: "    server: 10.0.0.1:6443")) }
        expectProblem(["server", "user information"]) {
            try load(kubeconfig(cluster: "    server: https://admin:\(Self.secret)@h"))
        }
        expectProblem(["user \"ghost\"", "not found"]) {
            try load(
                kubeconfig(cluster: "    server: https://h:1").replacingOccurrences("    user: u1", "    user: ghost"))
        }
        expectProblem(["users[1] has no name"]) {
            try load(kubeconfig(cluster: "    server: https://h:1", user: "    token: \(Self.secret)\n- user: {}"))
        }
    }

    @Test("bad material is named by key and file: base64, PEM, missing files, cert without key")
    func badMaterial() {
        expectProblem(["certificate-authority-data is not valid base64"]) {
            try load(kubeconfig(cluster: "    server: https://h:1\n    certificate-authority-data: '%%%'"))
        }
        expectProblem(["certificate-authority", "ca.pem", "No such file"]) { try load(kubeconfig()) }
        expectProblem(["does not contain a PEM certificate"]) {
            try load(kubeconfig(), files: ["ca.pem": "not a certificate"])
        }
        expectProblem(["has a client certificate but no client key"]) {
            try load(
                kubeconfig(
                    cluster: "    server: https://h:1",
                    user: "    token: \(Self.secret)\n    client-certificate-data: \(TestSupport.base64(Self.fakePEM))")
            )
        }
        expectProblem(["sets both insecure-skip-tls-verify and a certificate authority"]) {
            try load(
                kubeconfig(
                    cluster: "    server: https://h:1\n    insecure-skip-tls-verify: true\n"
                        + "    certificate-authority-data: \(TestSupport.base64(Self.fakePEM))"))
        }
        expectProblem(["tokenFile", "No such file"]) {
            try load(kubeconfig(cluster: "    server: https://h:1", user: "    tokenFile: missing-token"))
        }
        expectProblem(["tokenFile", "/t is empty"]) {
            try load(kubeconfig(cluster: "    server: https://h:1", user: "    tokenFile: t"), files: ["t": "\n"])
        }
    }

    @Test("wrong types and unsupported features are refused with the key's path, never the value")
    func typesAndUnsupported() {
        expectProblem(["users[\"u1\"].user.token must be a string"]) {
            try load(kubeconfig(cluster: "    server: https://h:1", user: "    token: [\(Self.secret)]"))
        }
        expectProblem(["insecure-skip-tls-verify must be true or false"]) {
            try load(kubeconfig(cluster: "    server: https://h:1\n    insecure-skip-tls-verify: maybe"))
        }
        expectProblem(["auth-provider", "not supported"]) {
            try load(
                kubeconfig(
                    cluster: "    server: https://h:1",
                    user: "    auth-provider:\n      name: gcp\n      config:\n        access-token: \(Self.secret)"))
        }
        expectProblem(["exec.apiVersion must be one of"]) {
            try load(
                kubeconfig(
                    cluster: "    server: https://h:1",
                    user: "    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1alpha1"))
        }
        expectProblem(["exec.command is missing"]) {
            try load(
                kubeconfig(
                    cluster: "    server: https://h:1",
                    user: "    exec:\n      apiVersion: client.authentication.k8s.io/v1"))
        }
        expectProblem(["token", "control characters"]) {
            try load(
                kubeconfig(cluster: "    server: https://h:1", user: "    token: \"a\\r\\nX-Injected: \(Self.secret)\"")
            )
        }
    }

    @Test(
        "the wire form a worker receives reproduces the resolved configuration, for every credential kind",
        arguments: [
            "    token: \(secret)",
            "    tokenFile: token.txt",
            "    client-certificate: ca.pem\n    client-key: ca.pem",
            "    exec:\n      command: ./plugin\n      args: [get, token]\n      env:\n      - name: A\n        value: b\n"
                + "      apiVersion: client.authentication.k8s.io/v1\n      provideClusterInfo: true",
        ])
    func wireRoundTrip(user: String) throws {
        let config = try load(
            kubeconfig(
                cluster: "    server: https://10.1.2.3:6443/prefix\n    certificate-authority: ca.pem\n"
                    + "    tls-server-name: api.internal\n    proxy-url: http://proxy:3128",
                user: user),
            files: ["ca.pem": Self.fakePEM, "token.txt": Self.secret])
        let decoded = try KubeClusterConfig(wire: config.wire)
        #expect(decoded == config)
        #expect(decoded.credentials == config.credentials)
        let insecure = try load(kubeconfig(cluster: "    server: https://h:1\n    insecure-skip-tls-verify: true"))
        #expect(try KubeClusterConfig(wire: insecure.wire) == insecure)
        #expect(try KubeClusterConfig(wire: insecure.wire).warnings == insecure.warnings)
    }

    @Test(
        "printing a resolved configuration (interpolation, reflection, dump) shows its origin and credential kinds, never a secret",
        arguments: [
            "    token: \(secret)",
            "    client-certificate: ca.pem\n    client-key: key.pem",
            "    exec:\n      command: ./plugin\n      env:\n      - name: PLUGIN_SECRET\n        value: \(secret)\n"
                + "      apiVersion: client.authentication.k8s.io/v1",
        ])
    func printingRedacts(user: String) throws {
        let keyMarker = "S3CRETKEYMATERIAL0123456"
        let config = try load(
            kubeconfig(cluster: "    server: https://10.1.2.3:6443\n    certificate-authority: ca.pem", user: user),
            files: [
                "ca.pem": Self.fakePEM,
                "key.pem": "-----BEGIN PRIVATE KEY-----\n\(keyMarker)\n-----END PRIVATE KEY-----\n",
            ])
        var dumped = ""
        dump(config, to: &dumped)
        var dumpedBearer = ""
        dump(config.bearer, to: &dumpedBearer)
        let printed = [
            "\(config)", String(reflecting: config), dumped, "\(config.bearer)", dumpedBearer,
            config.clientCertificate.map { "\($0) \(String(reflecting: $0))" } ?? "",
        ]
        for text in printed {
            #expect(!text.contains(Self.secret), "\(text)")
            #expect(!text.contains(keyMarker), "\(text)")
            #expect(!text.contains("BEGIN"), "\(text)")
            for member in ["caPEM", "keyPEM", "certificatePEM", "environment", "execInfo"] {
                #expect(!text.contains(member), "\(member) in \(text)")
            }
        }
        #expect(printed[0].contains("https://10.1.2.3:6443") && printed[0].contains("credentials: ["))
        #expect(dumped.contains("origin"))
    }

    @Test(
        "the files a kubeconfig names are listed as loading resolves them, with their roles; the chosen context decides"
    )
    func referencedFiles() {
        let directory = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        func listed(_ text: String, context: String? = nil) -> [String] {
            TestSupport.write(text, to: "\(directory)/config")
            return KubeClusterConfig.referencedFiles(.kubeconfig(path: "\(directory)/config", context: context)).map {
                "\($0.role)|\($0.path)|\($0.isSecret ? "secret" : "public")"
            }
        }
        let files = listed(
            kubeconfig(
                user:
                    "    client-certificate: /etc/pki/client.crt\n    client-key: keys/client.key\n    tokenFile: token"
            ))
        #expect(
            files == [
                "certificate authority|\(directory)/ca.pem|public", "client certificate|/etc/pki/client.crt|public",
                "client key|\(directory)/keys/client.key|secret", "token file|\(directory)/token|secret",
            ])
        let plugin = "    exec:\n      command: ./bin/get-token\n      apiVersion: client.authentication.k8s.io/v1"
        #expect(
            listed(kubeconfig(user: plugin))
                == [
                    "certificate authority|\(directory)/ca.pem|public",
                    "credential plugin|\(directory)/./bin/get-token|public",
                ], "as loading resolves it; the check resolves it fully")
        let bare = "    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1"
        #expect(listed(kubeconfig(user: bare)) == ["certificate authority|\(directory)/ca.pem|public"], "PATH lookup")
        #expect(
            listed(kubeconfig(cluster: "    server: https://h:1", user: "    tokenFile: /run/token"), context: "other")
                == [],
            "context other names no user")
        #expect(listed("clusters: [") == [], "a kubeconfig that does not load lists nothing; loading says why")
        #expect(KubeClusterConfig.referencedFiles(.inCluster(root: directory, host: nil, port: nil)) == [])
    }

    @Test("a damaged wire form is refused with the member's name and never a value")
    func wireRefusals() {
        for (json, fragment): (JSONValue, String) in [
            (.string("x"), "not a JSON object"),
            (.object(JSONObject(pairs: ["origin": .string("o")])), "'server' is missing"),
            (
                .object(
                    JSONObject(pairs: [
                        "server": .string("https://h:1"), "origin": .string("o"), "ca_pem": .string("%%"),
                    ])),
                "'ca_pem' is not base64"
            ),
            (
                .object(
                    JSONObject(pairs: [
                        "server": .string("https://h:1"), "origin": .string("o"),
                        "client_key_pem": .string("AAAA"),
                    ])), "must come together"
            ),
            (
                .object(
                    JSONObject(pairs: [
                        "server": .string("https://h:1"), "origin": .string("o"),
                        "exec": .object(JSONObject(pairs: ["command": .string(Self.secret)])),
                    ])), "'executable' is missing"
            ),
        ] {
            do {
                _ = try KubeClusterConfig(wire: json)
                Issue.record("accepted \(fragment)")
            } catch {
                #expect(error.message.contains(fragment), "\(error.message)")
                #expect(!error.message.contains(Self.secret))
            }
        }
    }

    @Test("in-cluster: host and port from the environment (IPv6 bracketed), namespace file, CA, token required")
    func inCluster() throws {
        let root = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(root) }
        TestSupport.write(Self.secret + "\n", to: "\(root)/token")
        TestSupport.write(Self.fakePEM, to: "\(root)/ca.crt")
        TestSupport.write("team-b\n", to: "\(root)/namespace")
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00::10", "KUBERNETES_SERVICE_PORT": "443"]
        let config = try KubeClusterConfig.load(.inCluster(root: root), environment: { environment[$0] })
        #expect(config.server == "https://[fd00::10]:443")
        #expect(config.namespace == "team-b")
        #expect(config.credentials == [.tokenFile(path: "\(root)/token")])
        #expect(config.caPEM != nil && config.warnings.isEmpty)

        let overridden = try KubeClusterConfig.load(
            .inCluster(root: root, host: "10.0.0.1", port: "6443"),
            environment: { $0 == "POD_NAMESPACE" ? "from-env" : nil })
        #expect(overridden.server == "https://10.0.0.1:6443")
        #expect(overridden.namespace == "from-env")

        expectProblem(["KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT"]) {
            try KubeClusterConfig.load(.inCluster(root: root), environment: { _ in nil })
        }
        unlink("\(root)/ca.crt")
        let noCA = try KubeClusterConfig.load(.inCluster(root: root, host: "h", port: "1"), environment: { _ in nil })
        #expect(noCA.caPEM == nil && noCA.warnings.count == 1)
        unlink("\(root)/token")
        expectProblem(["service-account token", "\(root)/token"]) {
            try KubeClusterConfig.load(.inCluster(root: root, host: "h", port: "1"), environment: { _ in nil })
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced (tests only).
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
