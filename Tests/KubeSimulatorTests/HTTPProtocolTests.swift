import Events
import KubeSimulator
import Testing

@Suite("HTTP/1.1 and TLS details")
struct HTTPProtocolTests {
    private func curl(_ harness: Harness, _ arguments: [String]) throws -> Subprocess.Result {
        let curl = try #require(Subprocess.which("curl"), "curl is not installed")
        return Subprocess.run(
            curl,
            ["-sS", "--cacert", harness.simulator.caPath, "-H", "Authorization: Bearer \(harness.simulator.token)"]
                + arguments)
    }

    @Test("a chunked request body is accepted; ALPN selects http/1.1 even when h2 is offered")
    func chunkedAndALPN() throws {
        let harness = try TestSupport.simulator()
        let body = TestSupport.text(TestSupport.configMap("chunked"))
        let result = try curl(
            harness,
            [
                "-v", "--http2", "-X", "POST", "-H", "Content-Type: application/json", "-H",
                "Transfer-Encoding: chunked",
                "--data-binary", body, "-w", "\n%{http_code}",
                "\(harness.simulator.url)/api/v1/namespaces/ns/configmaps",
            ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasSuffix("\n201"), "\(result.standardOutput)")
        #expect(result.standardError.contains("ALPN: server accepted http/1.1"), "\(result.standardError)")
        #expect(harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "chunked") != nil)
    }

    @Test("Expect: 100-continue is answered without the client's one-second wait")
    func expectContinue() throws {
        let harness = try TestSupport.simulator()
        let clock = ContinuousClock()
        let start = clock.now
        let result = try curl(
            harness,
            [
                "-X", "POST", "-H", "Content-Type: application/json", "-H", "Expect: 100-continue", "--data-binary",
                TestSupport.text(TestSupport.configMap("expect")), "-o", "/dev/null", "-w", "%{http_code}",
                "\(harness.simulator.url)/api/v1/namespaces/ns/configmaps",
            ])
        #expect(result.standardOutput == "201", "\(result.standardError)")
        #expect(clock.now - start < .milliseconds(900))
    }

    @Test("bodies over the limit get 413, oversized headers 431, and the connection is closed")
    func limits() throws {
        let harness = try TestSupport.simulator {
            $0.limits.maxBodyBytes = 4096
            $0.limits.maxHeaderBytes = 2048
        }
        let client = try harness.client()
        let big = TestSupport.configMap("big", data: ["k": String(repeating: "x", count: 5000)])
        let tooLarge = try client.request("POST", "/api/v1/namespaces/ns/configmaps", json: big)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.object.text("message") == "Request entity too large: limit is 4096")
        #expect(tooLarge.header("connection") == "close")
        let headers = try client.request("GET", "/api", headers: [("X-Padding", String(repeating: "p", count: 3000))])
        #expect(headers.status == 431)
        #expect(try client.request("GET", "/api").status == 200)
    }

    @Test("idle keep-alive connections are closed after the idle timeout")
    func idleTimeout() throws {
        let harness = try TestSupport.simulator { $0.limits.idleTimeout = .milliseconds(150) }
        let client = try harness.client()
        #expect(try client.request("GET", "/api").status == 200)
        #expect(harness.simulator.counters.connectionsOpen == 1)
        #expect(TestSupport.eventually { harness.simulator.counters.connectionsOpen == 0 })
    }

    @Test("HEAD answers headers only; unknown paths are 404 Status objects; discovery documents are served")
    func headAndDiscovery() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let head = try client.request("HEAD", "/api/v1/namespaces/ns")
        #expect(head.status == 200 && head.body.isEmpty)
        let unknown = try client.request("GET", "/api/v1/namespaces/ns/secrets")
        #expect(unknown.status == 404)
        #expect(unknown.object.text("kind") == "Status")
        let resources = try client.request("GET", "/api/v1").object.items("resources").compactMap { $0.text("name") }
        #expect(["configmaps", "namespaces", "pods"].allSatisfy(resources.contains))
        let groups = try client.request("GET", "/apis").object.items("groups").compactMap { $0.text("name") }
        #expect(groups.contains("networking.k8s.io"))
        let version = try client.request("GET", "/version").object
        #expect(version.text("major") == "1")
        #expect(version.text("minor") == "33")
    }
}
