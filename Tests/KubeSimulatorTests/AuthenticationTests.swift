import Events
import Glibc
import KubeSimulator
import Testing

@Suite("TLS and authentication")
struct AuthenticationTests {
    @Test("a bearer token from the kubeconfig is accepted over TLS verified with the generated CA")
    func tokenAccepted() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let response = try client.request("GET", "/api/v1/namespaces/ns")
        #expect(response.status == 200)
        #expect(response.object.text("metadata.name") == "ns")
        #expect(harness.simulator.requestLog.last?.user == "k8s-worker")
    }

    @Test("a wrong token and no credentials both get 401 with a Status body; health checks are anonymous")
    func wrongToken() throws {
        let harness = try TestSupport.simulator()
        let wrong = try SimulatorClient(simulator: harness.simulator, token: "not-the-token")
        let response = try wrong.request("GET", "/api/v1/namespaces/ns")
        #expect(response.status == 401)
        #expect(response.object.text("kind") == "Status")
        #expect(response.object.text("reason") == "Unauthorized")
        #expect(response.object.value("code")?.numberValue?.int64Value == 401)

        let anonymous = try SimulatorClient(port: harness.simulator.port, caPEM: harness.simulator.caPEM)
        #expect(try anonymous.request("GET", "/api").status == 401)
        #expect(try anonymous.request("GET", "/healthz").status == 200)
        #expect(harness.simulator.counters.unauthorized == 2)
    }

    @Test("a client certificate signed by the CA authenticates as its CN")
    func clientCertificate() throws {
        let harness = try TestSupport.simulator()
        let client = try SimulatorClient(simulator: harness.simulator, useClientCertificate: true)
        let response = try client.request("GET", "/api/v1/namespaces/ns/configmaps")
        #expect(response.status == 200)
        #expect(harness.simulator.requestLog.last?.user == "k8s-worker")
    }

    @Test("the client refuses a server whose certificate another CA signed")
    func verificationIsOn() throws {
        let first = try TestSupport.simulator()
        let second = try TestSupport.simulator()
        let mismatched = try SimulatorClient(
            port: first.simulator.port, caPEM: second.simulator.caPEM, token: first.simulator.token)
        #expect(throws: SimulatorError.self) { try mismatched.request("GET", "/api") }
    }

    @Test("the token file is re-read: a rotated token works at once and the old one stops working")
    func tokenRotation() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let tokenFile = "\(directory)/token"
        let harness = try TestSupport.simulator { $0.tokenFile = tokenFile }
        let original = harness.simulator.token
        #expect(try SimulatorClient(simulator: harness.simulator, token: original).request("GET", "/api").status == 200)

        try write("rotated-token-1\n", to: "\(tokenFile).new")
        #expect(rename("\(tokenFile).new", tokenFile) == 0)
        #expect(
            try SimulatorClient(simulator: harness.simulator, token: "rotated-token-1").request("GET", "/api").status
                == 200)
        #expect(try SimulatorClient(simulator: harness.simulator, token: original).request("GET", "/api").status == 401)
        let kubeconfig = try String(decoding: read(harness.simulator.kubeconfigPath), as: UTF8.self)
        #expect(kubeconfig.contains("tokenFile: \"\(tokenFile)\""))
    }

    @Test("files: keys are private (0600), the kubeconfig names both contexts and the token context is current")
    func writtenFiles() throws {
        let harness = try TestSupport.simulator()
        var info = stat()
        #expect(stat(harness.simulator.clientKeyPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(harness.simulator.kubeconfigPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let kubeconfig = String(decoding: try read(harness.simulator.kubeconfigPath), as: UTF8.self)
        #expect(kubeconfig.contains("current-context: token"))
        #expect(kubeconfig.contains("- name: client-cert"))
        #expect(kubeconfig.contains("server: \"\(harness.simulator.url)\""))
    }

    @Test("curl (an independent TLS stack) verifies the server and authenticates with the client certificate")
    func curlWithClientCertificate() throws {
        let curl = try #require(Subprocess.which("curl"), "curl is not installed")
        let harness = try TestSupport.simulator()
        let simulator = harness.simulator
        let result = Subprocess.run(
            curl,
            [
                "-sS", "--fail-with-body", "--cacert", simulator.caPath, "--cert", simulator.clientCertificatePath,
                "--key",
                simulator.clientKeyPath, "\(simulator.url)/api/v1/namespaces/ns",
            ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("\"name\":\"ns\""))
    }

    private func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    private func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count <= 0 { return result }
            result += buffer[0..<count]
        }
    }
}
