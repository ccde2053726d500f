/// How a client authenticates to and encrypts traffic with the brokers. Shared by the consumer and producer
/// configurations. The description redacts secrets.
public struct KafkaSecurityConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// librdkafka's `security.protocol`.
    public struct SecurityProtocol: Sendable, Hashable, CustomStringConvertible {
        /// The librdkafka property value.
        public let value: String

        private init(_ value: String) {
            self.value = value
        }

        /// No TLS, no SASL.
        public static let plaintext = SecurityProtocol("plaintext")
        /// TLS without SASL.
        public static let ssl = SecurityProtocol("ssl")
        /// SASL without TLS.
        public static let saslPlaintext = SecurityProtocol("sasl_plaintext")
        /// SASL over TLS.
        public static let saslSSL = SecurityProtocol("sasl_ssl")

        /// A textual form for logs and diagnostics.
        public var description: String { value }
    }

    /// librdkafka's `sasl.mechanisms`.
    public struct SASLMechanism: Sendable, Hashable, CustomStringConvertible {
        /// The librdkafka property value.
        public let value: String

        private init(_ value: String) {
            self.value = value
        }

        /// SASL/PLAIN.
        public static let plain = SASLMechanism("PLAIN")
        /// SASL/SCRAM-SHA-256.
        public static let scramSHA256 = SASLMechanism("SCRAM-SHA-256")
        /// SASL/SCRAM-SHA-512.
        public static let scramSHA512 = SASLMechanism("SCRAM-SHA-512")
        /// Kerberos.
        public static let gssapi = SASLMechanism("GSSAPI")
        /// OAUTHBEARER (librdkafka's unsecured JWT or OIDC, configured through additional properties).
        public static let oauthBearer = SASLMechanism("OAUTHBEARER")

        /// A textual form for logs and diagnostics.
        public var description: String { value }
    }

    /// `security.protocol`; `.plaintext` by default.
    public var securityProtocol: SecurityProtocol = .plaintext
    /// `sasl.mechanisms`, when SASL is used.
    public var saslMechanism: SASLMechanism?
    /// `sasl.username`.
    public var saslUsername: String?
    /// `sasl.password`.
    public var saslPassword: String?
    /// `ssl.ca.location`: a CA bundle to verify the brokers with, instead of the system store.
    public var sslCALocation: String?
    /// `ssl.certificate.location`: a client certificate for mutual TLS.
    public var sslCertificateLocation: String?
    /// `ssl.key.location`: the client certificate's private key.
    public var sslKeyLocation: String?
    /// `ssl.key.password`: the private key's passphrase.
    public var sslKeyPassword: String?

    /// Plaintext, no SASL.
    public init() {}

    /// A textual form for logs and diagnostics.
    public var description: String {
        var parts = ["protocol: \(securityProtocol)"]
        if let saslMechanism { parts.append("sasl: \(saslMechanism)") }
        if let saslUsername { parts.append("username: \(saslUsername)") }
        if saslPassword != nil { parts.append("password: <redacted>") }
        if let sslCALocation { parts.append("ca: \(sslCALocation)") }
        if let sslCertificateLocation { parts.append("certificate: \(sslCertificateLocation)") }
        if let sslKeyLocation { parts.append("key: \(sslKeyLocation)") }
        if sslKeyPassword != nil { parts.append("key password: <redacted>") }
        return "KafkaSecurityConfiguration(\(parts.joined(separator: ", ")))"
    }
}
