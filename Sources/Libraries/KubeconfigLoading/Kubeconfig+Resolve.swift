import KubeClient
import Events

extension Kubeconfig {
    /// Loads `paths`, picks `context` (or the current context) and resolves it into a configuration.
    static func load(paths: [String], context: String?, home: String?) throws(KubeAPIError) -> KubeClusterConfig {
        let kubeconfig = try Kubeconfig(paths: paths)
        return try kubeconfig.resolve(context: context, home: home)
    }

    /// The entries one context names.
    struct Selection {
        var sourceName: String
        var contextName: String
        var context: Entry
        var clusterName: String
        var cluster: Entry
        var user: Entry?
    }

    /// The context `requested` (or the current one), its cluster and its user.
    func select(context requested: String?) throws(KubeAPIError) -> Selection {
        let sourceName = files.count == 1 ? "kubeconfig \(files[0])" : "kubeconfigs \(files.joined(separator: ":"))"
        guard let contextName = requested ?? currentContext else {
            throw KubeAPIError.configuration("\(sourceName): no context was requested and current-context is not set")
        }
        guard let context = contexts[contextName] else {
            throw KubeAPIError.configuration("\(sourceName): context \"\(contextName)\" not found")
        }
        guard let clusterName = try context.fields.nonEmptyString("cluster") else {
            throw context.fields.problem("cluster", "is missing")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeAPIError.configuration(
                "\(sourceName): cluster \"\(clusterName)\" (named by context \"\(contextName)\") not found")
        }
        var user: Entry? = nil
        if let userName = try context.fields.nonEmptyString("user") {
            guard let found = users[userName] else {
                throw KubeAPIError.configuration(
                    "\(sourceName): user \"\(userName)\" (named by context \"\(contextName)\") not found")
            }
            user = found
        }
        return Selection(
            sourceName: sourceName, contextName: contextName, context: context, clusterName: clusterName,
            cluster: cluster, user: user)
    }

    /// The configuration of one context.
    func resolve(context requested: String?, home: String?) throws(KubeAPIError) -> KubeClusterConfig {
        let selection = try select(context: requested)
        let (sourceName, contextName, clusterName) = (
            selection.sourceName, selection.contextName, selection.clusterName
        )
        let (cluster, user) = (selection.cluster, selection.user)
        let namespace = try selection.context.fields.nonEmptyString("namespace")
        let clusterSettings = try ClusterSettings(cluster, home: home)
        var warnings: [String] = []
        if clusterSettings.insecure {
            warnings.append(
                "insecure-skip-tls-verify is set for cluster \"\(clusterName)\" in \(cluster.file): the API server's "
                    + "certificate is NOT verified; anyone on the network path can impersonate it and read the "
                    + "credentials")
        }
        var certificate: ClientCertificate? = nil
        var bearer = BearerSource.none
        if let user {
            certificate = try Self.clientCertificate(user, home: home)
            bearer = try Self.bearer(user, cluster: clusterSettings, home: home)
            try Self.refuseUnsupported(user)
        }
        return KubeClusterConfig(
            server: clusterSettings.server.base(), namespace: namespace,
            insecureSkipTLSVerify: clusterSettings.insecure,
            tlsServerName: clusterSettings.tlsServerName, proxyURL: clusterSettings.proxyURL,
            origin: "\(sourceName), context \"\(contextName)\"", warnings: warnings, caPEM: clusterSettings.caPEM,
            clientCertificate: certificate, bearer: bearer, disableCompression: clusterSettings.disableCompression)
    }

    /// The cluster fields, validated.
    struct ClusterSettings {
        var server: ServerURL
        var caPEM: [UInt8]?
        var insecure: Bool
        var tlsServerName: String?
        var proxyURL: String?
        var disableCompression: Bool

        init(_ cluster: Entry, home: String?) throws(KubeAPIError) {
            let fields = cluster.fields
            guard let serverText = try fields.nonEmptyString("server") else {
                throw fields.problem("server", "is missing")
            }
            do {
                server = try ServerURL(serverText)
            } catch {
                throw fields.problem("server", error.text)
            }
            insecure = try fields.bool("insecure-skip-tls-verify") ?? false
            tlsServerName = try fields.nonEmptyString("tls-server-name")
            proxyURL = try fields.nonEmptyString("proxy-url")
            disableCompression = try fields.bool("disable-compression") ?? false
            caPEM = try Kubeconfig.material(
                fields, dataKey: "certificate-authority-data", pathKey: "certificate-authority", file: cluster.file,
                home: home)
            if let caPEM, !PEM.containsBlock(caPEM) {
                throw fields.problem("certificate-authority(-data)", "does not contain a PEM certificate")
            }
            if insecure && caPEM != nil {
                throw fields.problem(
                    "sets both insecure-skip-tls-verify and a certificate authority; remove one of them")
            }
            if let tlsServerName, tlsServerName.contains(where: { $0 == ":" || $0 == "/" || $0 == " " }) {
                throw fields.problem("tls-server-name", "must be a host name")
            }
        }

        /// `spec.cluster` for exec plugins with `provideClusterInfo` (kubeconfig key names, CA as base64).
        var execClusterInfo: JSONObject {
            var object = JSONObject()
            object.append("server", .string(server.base()))
            if let tlsServerName { object.append("tls-server-name", .string(tlsServerName)) }
            if insecure { object.append("insecure-skip-tls-verify", .bool(true)) }
            if let caPEM { object.append("certificate-authority-data", .string(Base64.encode(caPEM))) }
            if let proxyURL { object.append("proxy-url", .string(proxyURL)) }
            if disableCompression { object.append("disable-compression", .bool(true)) }
            return object
        }
    }

    /// Bytes from `<key>-data` (base64) or `<key>` (a path, relative to the defining file), not both.
    static func material(
        _ fields: YAMLFields, dataKey: String, pathKey: String, file: String, home: String?
    ) throws(KubeAPIError) -> [UInt8]? {
        let data = try fields.nonEmptyString(dataKey)
        let path = try fields.nonEmptyString(pathKey)
        if data != nil && path != nil { throw fields.problem("sets both \(dataKey) and \(pathKey)") }
        if let data {
            guard let bytes = Base64.decode(data), !bytes.isEmpty else {
                throw fields.problem(dataKey, "is not valid base64")
            }
            return bytes
        }
        if let path {
            let resolved = ConfigFiles.resolve(path, against: ConfigFiles.directory(of: file), home: home)
            do {
                return try ConfigFiles.read(resolved, purpose: "\(pathKey) file", limit: 1024 * 1024)
            } catch {
                throw KubeAPIError.configuration("kubeconfig \(file): \(fields.location).\(pathKey): \(error.message)")
            }
        }
        return nil
    }

    private static func clientCertificate(_ user: Entry, home: String?) throws(KubeAPIError) -> ClientCertificate? {
        let certificate = try material(
            user.fields, dataKey: "client-certificate-data", pathKey: "client-certificate", file: user.file,
            home: home)
        let key = try material(
            user.fields, dataKey: "client-key-data", pathKey: "client-key", file: user.file, home: home)
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            guard PEM.containsBlock(certificate) else {
                throw user.fields.problem("client-certificate(-data)", "does not contain a PEM certificate")
            }
            guard PEM.containsBlock(key) else {
                throw user.fields.problem("client-key(-data)", "does not contain a PEM private key")
            }
            return ClientCertificate(certificatePEM: certificate, keyPEM: key)
        case (nil, _):
            throw user.fields.problem("has a client key but no client certificate")
        case (_, nil):
            throw user.fields.problem("has a client certificate but no client key")
        }
    }

    private static func bearer(
        _ user: Entry, cluster: ClusterSettings, home: String?
    ) throws(KubeAPIError) -> BearerSource {
        let fields = user.fields
        if let exec = try fields.mapping("exec") {
            return .exec(try execPlugin(exec, file: user.file, cluster: cluster, home: home))
        }
        if let token = try fields.nonEmptyString("token") {
            return .token(
                try ConfigFiles.token(from: token, origin: "kubeconfig \(user.file): \(fields.location).token"))
        }
        if let tokenFile = try fields.nonEmptyString("tokenFile") {
            let path = ConfigFiles.resolve(tokenFile, against: ConfigFiles.directory(of: user.file), home: home)
            // Read once now so a missing or empty file fails at startup; TokenFileCache re-reads it later.
            let text = String(
                decoding: try ConfigFiles.read(path, purpose: "tokenFile", limit: 64 * 1024), as: UTF8.self)
            _ = try ConfigFiles.token(from: text, origin: "tokenFile \(path)")
            return .tokenFile(path: path)
        }
        return .none
    }

    private static func execPlugin(
        _ exec: YAMLFields, file: String, cluster: ClusterSettings, home: String?
    ) throws(KubeAPIError) -> ExecPluginConfig {
        guard let command = try exec.nonEmptyString("command") else { throw exec.problem("command", "is missing") }
        guard let apiVersion = try exec.nonEmptyString("apiVersion") else {
            throw exec.problem("apiVersion", "is missing")
        }
        guard ExecPluginConfig.supportedVersions.contains(apiVersion) else {
            throw exec.problem(
                "apiVersion", "must be one of \(ExecPluginConfig.supportedVersions.joined(separator: ", "))")
        }
        if try exec.nonEmptyString("interactiveMode") == "Always" {
            throw exec.problem("interactiveMode", "is Always, but the client never has a terminal")
        }
        var environment: [(String, String)] = []
        for (index, item) in try exec.sequence("env").enumerated() {
            let variable = try YAMLFields(item, file: file, location: "\(exec.location).env[\(index)]")
            guard let name = try variable.nonEmptyString("name"), !name.contains("=") else {
                throw variable.problem("name", "is missing or invalid")
            }
            environment.append((name, try variable.string("value") ?? ""))
        }
        let executable =
            command.contains("/")
            ? ConfigFiles.resolve(command, against: ConfigFiles.directory(of: file), home: home) : command
        let provideClusterInfo = try exec.bool("provideClusterInfo") ?? false
        return ExecPluginConfig(
            command: command, executable: executable, arguments: try exec.strings("args"), environment: environment,
            apiVersion: apiVersion,
            execInfo: ExecPluginConfig.execInfo(
                apiVersion: apiVersion, cluster: provideClusterInfo ? cluster.execClusterInfo : nil))
    }

    /// Fields the client does not implement and must not silently ignore: ignoring them would send requests
    /// with another identity than the one configured.
    private static func refuseUnsupported(_ user: Entry) throws(KubeAPIError) {
        for key in ["auth-provider", "username", "password", "as", "as-uid", "as-groups", "as-user-extra"]
        where user.fields.has(key) {
            throw user.fields.problem(
                key, "is not supported by this client (use token, tokenFile, exec or certificates)")
        }
    }
}
