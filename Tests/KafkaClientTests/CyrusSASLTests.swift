import Testing

@testable import KafkaClient

@Suite("Cyrus SASL plugins: loaded only for a configuration that may use GSSAPI")
struct CyrusSASLTests {
    @Test(
        "no SASL, or a mechanism librdkafka implements itself: no plugin needed",
        arguments: [
            [:], ["security.protocol": "plaintext"], ["security.protocol": "SSL"],
            ["security.protocol": "ssl", "sasl.mechanisms": "GSSAPI"],
            ["security.protocol": "sasl_ssl", "sasl.mechanisms": "PLAIN"],
            ["security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "scram-sha-512"],
            ["security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-256"],
            ["security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER"],
        ])
    func notNeeded(_ properties: [String: String]) {
        #expect(!CyrusSASL.pluginsNeeded(properties))
    }

    @Test(
        "SASL with GSSAPI, librdkafka's default mechanism, or a name it does not know: the plugins stay",
        arguments: [
            ["security.protocol": "sasl_ssl"], ["security.protocol": "sasl_plaintext", "sasl.mechanisms": "GSSAPI"],
            ["security.protocol": "SASL_SSL", "sasl.mechanism": "gssapi"],
            ["security.protocol": "sasl_ssl", "sasl.mechanisms": "PLAIN", "sasl.mechanism": "GSSAPI"],
            ["security.protocol": "sasl_ssl", "sasl.mechanisms": "DIGEST-MD5"],
        ])
    func needed(_ properties: [String: String]) {
        #expect(CyrusSASL.pluginsNeeded(properties))
    }
}
