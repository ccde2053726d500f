/// What printing a cluster configuration shows: where it came from and how it authenticates, never the token,
/// the private key or the CA bytes. String interpolation, `String(reflecting:)`, `dump` and a debugger's
/// summary all go through these, so an accidental `"\(config)"` in a log line leaks nothing.
extension KubeClusterConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var parts = ["server: \(server)", "origin: \(origin)", "credentials: \(credentials)"]
        if let namespace { parts.append("namespace: \(namespace)") }
        if insecureSkipTLSVerify { parts.append("insecureSkipTLSVerify: true") }
        return "KubeClusterConfig(\(parts.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "server": server, "namespace": namespace as Any, "origin": origin, "credentials": credentials,
                "insecureSkipTLSVerify": insecureSkipTLSVerify, "tlsServerName": tlsServerName as Any,
                "proxyURL": proxyURL as Any, "warnings": warnings,
            ], displayStyle: .struct)
    }
}

extension BearerSource: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String {
        switch self {
        case .none: "none"
        case .token: "token(<redacted>)"
        case .tokenFile(let path): "tokenFile(\(path))"
        case .exec(let plugin): "exec(\(plugin.command))"
        }
    }

    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["source": description]) }
}

extension ClientCertificate: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "ClientCertificate(<redacted>)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: []) }
}

extension Credential: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        "Credential(token: \(token == nil ? "none" : "<redacted>"), certificate: \(certificate == nil ? "none" : "<redacted>"), generation: \(generation))"
    }

    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["generation": generation]) }
}

extension ExecCredential: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "ExecCredential(<redacted>)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: []) }
}

extension ExecPluginConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The command only: the plugin's environment and exec info may carry secrets.
    package var description: String { "ExecPluginConfig(command: \(command))" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["command": command]) }
}
