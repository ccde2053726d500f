import SupervisorCore
import Testing

/// `metrics.listen`: numeric addresses only, port 0 allowed, empty disables.
@Suite struct ListenAddressTests {
    @Test(
        arguments: [
            ("127.0.0.1:9464", "127.0.0.1", 9464, false), ("0.0.0.0:0", "0.0.0.0", 0, false),
            ("[::1]:9464", "::1", 9464, true),
            ("[::]:80", "::", 80, true), ("[fe80::1:2]:65535", "fe80::1:2", 65535, true),
        ] as [(String, String, UInt16, Bool)])
    func valid(text: String, host: String, port: UInt16, ipv6: Bool) throws {
        let address = try #require(ListenAddress(text))
        #expect(address.host == host && address.port == port && address.isIPv6 == ipv6)
        #expect(address.description == text)
    }

    @Test(arguments: [
        "", "9464", ":9464", "localhost:9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:+80",
        "127.0.0.1:9464 ", "256.0.0.1:80", "::1:9464", "[::1]", "[::1]9464", "[127.0.0.1]:80", "[::1]:", "1.2.3:80",
        "[::1]:٣",
    ])
    func invalid(text: String) {
        #expect(ListenAddress(text) == nil, "\(text)")
    }

    @Test func configurationAcceptsEmptyAndRefusesGarbage() throws {
        func load(_ value: String) throws -> Configuration {
            try ConfigurationLoader(
                path: nil, environment: ["K8S_WORKER_METRICS_LISTEN": value], overrides: [("source.path", "/x")]
            ).load()
        }
        #expect(try load("").metrics.listen == "")
        #expect(try load("[::1]:0").metrics.listen == "[::1]:0")
        #expect(Configuration().metrics.listen == "127.0.0.1:9464")
        #expect(throws: ConfigurationError.self) { try load("localhost:9464") }
    }
}
