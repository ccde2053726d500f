/// A PEM client certificate and its private key, for mutual TLS.
package struct ClientCertificate: Sendable, Hashable {
    /// The certificate chain (PEM).
    package let certificatePEM: [UInt8]
    /// The private key (PEM).
    package let keyPEM: [UInt8]

    package init(certificatePEM: [UInt8], keyPEM: [UInt8]) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }
}

/// What one attempt authenticates with: a bearer token, a client certificate, both or neither.
struct Credential: Sendable {
    /// The bearer token for the `Authorization` header.
    var token: String?
    /// The client certificate for the TLS handshake.
    var certificate: ClientCertificate?
    /// Changes whenever the provider replaces the credential, so a handle re-applies its certificate only then,
    /// and a 401 invalidates only the credential that was refused.
    var generation: UInt64
}
