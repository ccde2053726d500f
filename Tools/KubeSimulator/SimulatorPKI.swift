internal import COpenSSL
import Glibc

/// The simulator's certificates, generated at start: a CA, a server certificate and a client certificate.
///
/// Keys are ECDSA P-256. The CA key never leaves memory; everything else is available as PEM text
/// (``material``) for writing to disk and for the TLS context.
struct SimulatorPKI: Sendable {
    /// PEM texts of every certificate and key except the CA key.
    struct Material: Sendable, Hashable {
        /// The CA certificate clients verify the server with.
        var caCertificate: String
        /// The server certificate (SANs: `localhost`, `127.0.0.1`, `::1` and the configured host).
        var serverCertificate: String
        /// The server's private key.
        var serverKey: String
        /// The client certificate (CN = user, O = groups), signed by the CA.
        var clientCertificate: String
        /// The client's private key.
        var clientKey: String
    }

    /// The generated material.
    let material: Material

    /// Generates a fresh CA and the two leaf certificates.
    init(host: String, clientUser: String, clientGroups: [String]) throws(SimulatorError) {
        let caKey = try PrivateKey.generateP256()
        let ca = try Certificate.issue(
            Certificate.Template(
                subject: [("O", "k8s-api-simulator"), ("CN", "k8s-api-simulator-ca")], validDays: 3650,
                extensions: [
                    (NID_basic_constraints, "critical,CA:TRUE"),
                    (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
                    (NID_subject_key_identifier, "hash"),
                ]),
            key: caKey, issuer: nil, issuerKey: caKey)

        var alternativeNames = ["DNS:localhost", "IP:127.0.0.1", "IP:::1"]
        let hostEntry = Self.isIPAddress(host) ? "IP:\(host)" : "DNS:\(host)"
        if !alternativeNames.contains(hostEntry) && !host.isEmpty && host != "0.0.0.0" {
            alternativeNames.append(hostEntry)
        }
        let serverKey = try PrivateKey.generateP256()
        let server = try Certificate.issue(
            Certificate.Template(
                subject: [("CN", "kube-apiserver")], validDays: 825,
                extensions: [
                    (NID_basic_constraints, "critical,CA:FALSE"),
                    (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
                    (NID_ext_key_usage, "serverAuth"),
                    (NID_subject_alt_name, alternativeNames.joined(separator: ",")),
                    (NID_authority_key_identifier, "keyid:always"),
                ]),
            key: serverKey, issuer: ca, issuerKey: caKey)

        let clientKey = try PrivateKey.generateP256()
        let client = try Certificate.issue(
            Certificate.Template(
                subject: clientGroups.map { (field: "O", value: $0) } + [(field: "CN", value: clientUser)],
                validDays: 825,
                extensions: [
                    (NID_basic_constraints, "critical,CA:FALSE"),
                    (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
                    (NID_ext_key_usage, "clientAuth"),
                    (NID_authority_key_identifier, "keyid:always"),
                ]),
            key: clientKey, issuer: ca, issuerKey: caKey)

        material = Material(
            caCertificate: try ca.pem(), serverCertificate: try server.pem(), serverKey: try serverKey.pem(),
            clientCertificate: try client.pem(), clientKey: try clientKey.pem())
    }

    /// Whether `host` is an IPv4 or IPv6 literal.
    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
