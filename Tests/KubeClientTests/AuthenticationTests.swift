import Events
import Glibc
import KubeClient
import KubeSimulator
import Testing
import KubeconfigLoading

/// Every way of authenticating, over real TLS against the simulator.
@Suite("Authentication and TLS")
struct AuthenticationTests {
    @Test("bearer token from the kubeconfig (embedded CA); namespace from the context; nothing secret logged")
    func token() throws {
        let harness = try TestSupport.simulator()
        let log = LogRecorder()
        let client = try harness.client(log: log)
        #expect(client.namespace == "ns")
        #expect(client.server == harness.simulator.url)
        #expect(client.config.credentials == [.token])
        let namespace = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        #expect(namespace.text("metadata.name") == "ns")
        #expect(harness.simulator.requestLog.last?.user == "k8s-worker")
        #expect(log.all.allSatisfy { !$0.1.contains(harness.simulator.token) })
    }

    @Test("client certificate from -data fields, and from file paths with a CA file")
    func clientCertificate() throws {
        let harness = try TestSupport.simulator()
        for path in [harness.simulator.kubeconfigPath, harness.simulator.kubeconfigWithPathsPath] {
            let client = try KubeClient(
                settings: TestSupport.settings(.kubeconfig(path: path, context: "client-cert")))
            #expect(client.config.credentials == [.clientCertificate])
            let list = try client.get("/api/v1/namespaces/ns/configmaps", deadline: TestSupport.soon)
            #expect(list.text("kind") == "ConfigMapList")
            #expect(harness.simulator.requestLog.last?.user == "k8s-worker")
            #expect(harness.simulator.requestLog.last?.status == 200)
        }
        #expect(harness.simulator.counters.unauthorized == 0)
    }

    @Test("a wrong static token is .unauthorized, not transient, and not retried")
    func wrongToken() throws {
        let harness = try TestSupport.simulator()
        let client = try KubeClient(
            settings: TestSupport.settings(
                .kubeconfig(path: harness.kubeconfig(user: ["    token: not-the-token"]), context: nil)))
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        }
        #expect(error.kind == .unauthorized)
        #expect(error.code == 401 && error.reason == "Unauthorized")
        #expect(error.attempts == 1 && !error.isTransient)
        #expect(!error.description.contains("not-the-token"))
        #expect(harness.simulator.counters.unauthorized == 1)
    }

    @Test("token file: a 401 re-reads the file at once (even when its stamp did not change) and retries once")
    func tokenFileRefreshOn401() throws {
        let tokens = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(tokens) }
        let serverTokens = tokens + "/tokens"
        let harness = try TestSupport.simulator { $0.tokenFile = serverTokens }
        TestSupport.replace("token-a\n", at: serverTokens)
        let clientToken = "\(harness.scratch)/token"
        TestSupport.write("token-a\n", to: clientToken)
        let client = try KubeClient(
            settings: TestSupport.settings(
                .kubeconfig(path: harness.kubeconfig(user: ["    tokenFile: token"]), context: nil)))
        #expect(client.config.credentials == [.tokenFile(path: clientToken)])
        #expect(try client.send(.init(method: "GET", path: "/api"), deadline: TestSupport.soon).attempts == 1)

        // Rotate: the server accepts only token-b. The client's file is rewritten in place with the same size
        // and its old mtime, so its stamp is unchanged and only the 401 can make the client read it again.
        var before = stat()
        stat(clientToken, &before)
        TestSupport.replace("token-b\n", at: serverTokens)
        TestSupport.write("token-b\n", to: clientToken)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, clientToken, &times, 0) == 0)

        let response = try client.send(.init(method: "GET", path: "/api"), deadline: TestSupport.soon)
        #expect(response.attempts == 2)
        #expect(client.statistics.retries["401"] == 1)
        #expect(harness.simulator.requestLog.last?.status == 200)
        #expect(try client.send(.init(method: "GET", path: "/api"), deadline: TestSupport.soon).attempts == 1)
    }

    @Test("token file: a replaced file is picked up by the periodic check, without a 401")
    func tokenFileRotation() throws {
        let tokens = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(tokens) }
        let serverTokens = tokens + "/tokens"
        let harness = try TestSupport.simulator { $0.tokenFile = serverTokens }
        TestSupport.replace("token-a\n", at: serverTokens)
        let clientToken = "\(harness.scratch)/token"
        TestSupport.write("token-a\n", to: clientToken)
        let client = try KubeClient(
            settings: TestSupport.settings(
                .kubeconfig(path: harness.kubeconfig(user: ["    tokenFile: token"]), context: nil)))
        _ = try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon)
        let checked = KubeDeadline.now()

        TestSupport.replace("token-rotated\n", at: serverTokens)
        TestSupport.replace("token-rotated\n", at: clientToken)
        // The client compares the file's stamp at most once a second: wait until that second is over.
        #expect(TestSupport.eventually { checked.advanced(by: .milliseconds(1100)).hasPassed })
        let unauthorizedBefore = harness.simulator.counters.unauthorized
        let response = try client.send(.init(method: "GET", path: "/api"), deadline: TestSupport.soon)
        #expect(response.attempts == 1)
        #expect(harness.simulator.counters.unauthorized == unauthorizedBefore, "no 401 was needed")
        #expect(client.statistics.retries["401"] == nil)
    }

    @Test("in-cluster layout in a temporary root with explicit host and port; the token rotates in place")
    func inCluster() throws {
        let root = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(root) }
        TestSupport.write("in-cluster-token-1\n", to: "\(root)/token")
        let harness = try TestSupport.simulator { $0.tokenFile = "\(root)/token" }
        TestSupport.write(harness.simulator.caPEM, to: "\(root)/ca.crt")
        TestSupport.write("ns\n", to: "\(root)/namespace")
        let client = try KubeClient(
            settings: TestSupport.settings(
                .inCluster(root: root, host: "127.0.0.1", port: String(harness.simulator.port))))
        #expect(client.namespace == "ns")
        #expect(client.server == "https://127.0.0.1:\(harness.simulator.port)")
        _ = try client.create(
            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("a"), deadline: TestSupport.soon)

        TestSupport.replace("in-cluster-token-2\n", at: "\(root)/token")
        let object = try client.get("/api/v1/namespaces/ns/configmaps/a", deadline: TestSupport.soon)
        #expect(object.text("metadata.name") == "a")
        #expect(harness.simulator.requestLog.last?.status == 200)
    }

    @Test("a server certificate from another CA fails as .transport at once, well inside the deadline")
    func wrongCertificateAuthority() throws {
        let harness = try TestSupport.simulator()
        let other = try TestSupport.simulator()
        let path = harness.kubeconfig(
            user: ["    token: \(harness.simulator.token)"],
            cluster: [
                "    server: \(harness.simulator.url)",
                "    certificate-authority-data: \(TestSupport.base64(other.simulator.caPEM))",
            ])
        let client = try KubeClient(settings: TestSupport.settings(.kubeconfig(path: path, context: nil)))
        let started = KubeDeadline.now()
        let error = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns", deadline: .after(.seconds(10)))
        }
        #expect(error.kind == .transport)
        #expect(error.reason == "CURLE_PEER_FAILED_VERIFICATION")
        #expect(error.attempts == 1 && !error.isTransient)
        #expect(started.advanced(by: .seconds(5)) > .now())
        #expect(harness.simulator.counters.requests == 0, "nothing was sent over the unverified connection")
    }

    @Test("tls-server-name: SNI and verification use it while connecting to the server's address")
    func tlsServerName() throws {
        let harness = try TestSupport.simulator()
        func client(serverName: String) throws -> KubeClient {
            let path = harness.kubeconfig(
                name: "kubeconfig-\(serverName)",
                user: ["    token: \(harness.simulator.token)"],
                cluster: [
                    "    server: \(harness.simulator.url)",
                    "    certificate-authority-data: \(TestSupport.base64(harness.simulator.caPEM))",
                    "    tls-server-name: \(serverName)",
                ])
            return try KubeClient(settings: TestSupport.settings(.kubeconfig(path: path, context: nil)))
        }
        #expect(
            try client(serverName: "localhost").get("/api/v1/namespaces/ns", deadline: TestSupport.soon).text("kind")
                == "Namespace")
        let error = try #require(throws: KubeAPIError.self) {
            try client(serverName: "not-in-the-certificate.example").get("/api", deadline: TestSupport.soon)
        }
        #expect(error.kind == .transport && error.reason == "CURLE_PEER_FAILED_VERIFICATION")
    }

    @Test("insecure-skip-tls-verify connects without a CA and logs a warning at creation")
    func insecureSkipVerify() throws {
        let harness = try TestSupport.simulator()
        let path = harness.kubeconfig(
            user: ["    token: \(harness.simulator.token)"],
            cluster: ["    server: \(harness.simulator.url)", "    insecure-skip-tls-verify: true"])
        let log = LogRecorder()
        let client = try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: path, context: nil)), logger: log.logger)
        #expect(client.config.insecureSkipTLSVerify)
        #expect(log.all.contains { $0.0 == .warning && $0.1.contains("insecure-skip-tls-verify") })
        #expect(try client.get("/api/v1/namespaces/ns", deadline: TestSupport.soon).text("kind") == "Namespace")
    }
}
