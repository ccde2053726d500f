import Events

extension KubeClusterConfig {
    /// The resolved configuration as JSON, for another process of the same build: the supervisor resolves the
    /// kubeconfig (which needs a YAML parser) and hands each worker the result over its private socket.
    ///
    /// It carries secrets (tokens, keys, certificates): never log it and never write it to disk.
    public var wire: JSONValue {
        var object = JSONObject()
        object.append("server", .string(server))
        if let namespace { object.append("namespace", .string(namespace)) }
        object.append("insecure_skip_tls_verify", .bool(insecureSkipTLSVerify))
        if let tlsServerName { object.append("tls_server_name", .string(tlsServerName)) }
        if let proxyURL { object.append("proxy_url", .string(proxyURL)) }
        object.append("origin", .string(origin))
        object.append("warnings", .array(warnings.map(JSONValue.string)))
        if let caPEM { object.append("ca_pem", .string(Base64.encode(caPEM))) }
        if let clientCertificate {
            object.append("client_certificate_pem", .string(Base64.encode(clientCertificate.certificatePEM)))
            object.append("client_key_pem", .string(Base64.encode(clientCertificate.keyPEM)))
        }
        object.append("disable_compression", .bool(disableCompression))
        switch bearer {
        case .none:
            break
        case .token(let token):
            object.append("token", .string(token))
        case .tokenFile(let path):
            object.append("token_file", .string(path))
        case .exec(let plugin):
            var exec = JSONObject()
            exec.append("command", .string(plugin.command))
            exec.append("executable", .string(plugin.executable))
            exec.append("arguments", .array(plugin.arguments.map(JSONValue.string)))
            exec.append("environment", .array(plugin.environment.map { .array([.string($0.0), .string($0.1)]) }))
            exec.append("api_version", .string(plugin.apiVersion))
            exec.append("exec_info", .string(plugin.execInfo))
            object.append("exec", .object(exec))
        }
        return .object(object)
    }

    /// Reads ``wire``. Errors name the member at fault and never a value.
    public init(wire: JSONValue) throws(KubeAPIError) {
        let reader = try WireReader(wire, location: "the cluster configuration")
        let certificate = try reader.bytes("client_certificate_pem")
        let key = try reader.bytes("client_key_pem")
        guard (certificate == nil) == (key == nil) else {
            throw reader.problem("client_certificate_pem", "and client_key_pem must come together")
        }
        var bearer = BearerSource.none
        if let token = try reader.string("token") {
            bearer = .token(token)
        } else if let path = try reader.string("token_file") {
            bearer = .tokenFile(path: path)
        } else if let member = reader.object["exec"] {
            let exec = try WireReader(member, location: "exec")
            var environment: [(String, String)] = []
            for pair in try exec.array("environment") {
                guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue,
                    let value = items[1].stringValue
                else { throw exec.problem("environment", "must hold [name, value] pairs") }
                environment.append((name, value))
            }
            bearer = .exec(
                ExecPluginConfig(
                    command: try exec.required("command"), executable: try exec.required("executable"),
                    arguments: try exec.array("arguments").map { item throws(KubeAPIError) in
                        guard let text = item.stringValue else { throw exec.problem("arguments", "must be strings") }
                        return text
                    },
                    environment: environment, apiVersion: try exec.required("api_version"),
                    execInfo: try exec.required("exec_info")))
        }
        self.init(
            server: try reader.required("server"), namespace: try reader.string("namespace"),
            insecureSkipTLSVerify: try reader.bool("insecure_skip_tls_verify"),
            tlsServerName: try reader.string("tls_server_name"), proxyURL: try reader.string("proxy_url"),
            origin: try reader.required("origin"),
            warnings: try reader.array("warnings").compactMap(\.stringValue), caPEM: try reader.bytes("ca_pem"),
            clientCertificate: certificate.flatMap { certificate in
                key.map { ClientCertificate(certificatePEM: certificate, keyPEM: $0) }
            },
            bearer: bearer, disableCompression: try reader.bool("disable_compression"))
    }
}

/// Typed access to one object of the wire form.
private struct WireReader {
    let object: JSONObject
    let location: String

    init(_ value: JSONValue, location: String) throws(KubeAPIError) {
        guard let object = value.objectValue else {
            throw KubeAPIError.configuration("\(location) is not a JSON object")
        }
        self.object = object
        self.location = location
    }

    func string(_ key: String) throws(KubeAPIError) -> String? {
        guard let member = object[key], !member.isNull else { return nil }
        guard let text = member.stringValue else { throw problem(key, "must be a string") }
        return text
    }

    func required(_ key: String) throws(KubeAPIError) -> String {
        guard let text = try string(key) else { throw problem(key, "is missing") }
        return text
    }

    func bool(_ key: String) throws(KubeAPIError) -> Bool {
        guard let member = object[key], !member.isNull else { return false }
        guard let flag = member.boolValue else { throw problem(key, "must be true or false") }
        return flag
    }

    func array(_ key: String) throws(KubeAPIError) -> [JSONValue] {
        guard let member = object[key], !member.isNull else { return [] }
        guard let items = member.arrayValue else { throw problem(key, "must be a list") }
        return items
    }

    func bytes(_ key: String) throws(KubeAPIError) -> [UInt8]? {
        guard let text = try string(key) else { return nil }
        guard let bytes = Base64.decode(text) else { throw problem(key, "is not base64") }
        return bytes
    }

    func problem(_ key: String, _ text: String) -> KubeAPIError {
        KubeAPIError.configuration("\(location): '\(key)' \(text)")
    }
}
