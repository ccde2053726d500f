import Events

/// The `status` of an `ExecCredential` a plugin printed: a token and/or a client certificate, and when they expire.
struct ExecCredential: Sendable {
    /// The bearer token.
    var token: String?
    /// The client certificate (PEM text in the JSON, not base64).
    var certificate: ClientCertificate?
    /// `status.expirationTimestamp` in seconds since the Unix epoch; `nil` means valid until a 401.
    var expiresAt: Double?

    /// Parses a plugin's standard output. Errors name the field at fault, never its value.
    init(output: [UInt8], apiVersion: String) throws(ExecCredentialProblem) {
        guard let object = (try? JSONParser().parse(output))?.objectValue else {
            throw ExecCredentialProblem("its output is not a JSON object")
        }
        guard object["kind"]?.stringValue == "ExecCredential" else {
            throw ExecCredentialProblem("its output is not an ExecCredential (kind)")
        }
        guard object["apiVersion"]?.stringValue == apiVersion else {
            throw ExecCredentialProblem("its output's apiVersion is not \(apiVersion)")
        }
        guard let status = object["status"]?.objectValue else {
            throw ExecCredentialProblem("its output has no status")
        }
        if let token = status["token"]?.stringValue, !token.isEmpty {
            guard !token.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw ExecCredentialProblem("status.token contains control characters")
            }
            self.token = token
        }
        let certificate = status["clientCertificateData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let key = status["clientKeyData"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (let certificate?, let key?):
            self.certificate = ClientCertificate(certificatePEM: Array(certificate.utf8), keyPEM: Array(key.utf8))
        case (nil, nil):
            break
        default:
            throw ExecCredentialProblem("status has only one of clientCertificateData and clientKeyData")
        }
        guard self.token != nil || self.certificate != nil else {
            throw ExecCredentialProblem("status has neither a token nor a client certificate")
        }
        if let text = status["expirationTimestamp"]?.stringValue, !text.isEmpty {
            guard let timestamp = try? Timestamp(parsing: text) else {
                throw ExecCredentialProblem("status.expirationTimestamp is not an RFC 3339 time")
            }
            expiresAt = Double(timestamp.microsecondsSinceEpoch) / 1e6
        }
    }
}

/// Why a plugin's output was refused.
struct ExecCredentialProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}
