import Glibc
import KubeClient

/// A file a kubeconfig names, resolved the way loading resolves it.
public struct KubeconfigFileReference: Equatable, Sendable {
    /// The resolved path.
    public let path: String
    /// What it is, for messages: `certificate authority`, `client certificate`, `client key`, `token file` or
    /// `credential plugin`.
    public let role: String
    /// Whether its contents are secret (a client key or token file others can read leaks the credentials; a CA,
    /// a certificate or a plugin others can read does not).
    public let isSecret: Bool
}

extension KubeClusterConfig {
    /// The files the kubeconfig of `source` names: the CA, client certificate and key, token file, and a credential
    /// plugin given by a path (a bare name is looked up in `PATH`). The supervisor reads them again for every
    /// worker it starts, and runs the plugin as itself, so whoever can replace one of them has the service's
    /// credentials or its identity. For ``KubeClusterSource/automatic`` the kubeconfig files found (`KUBECONFIG`,
    /// `~/.kube/config`) come first; an explicit kubeconfig path is the caller's to check, before loading it.
    /// Empty for in-cluster sources, and when the kubeconfig does not load (``load(_:)`` reports why).
    public static func referencedFiles(_ source: KubeClusterSource) -> [KubeconfigFileReference] {
        let home = getenv("HOME").map { String(cString: $0) }
        let paths: [String]
        let context: String?
        var references: [KubeconfigFileReference] = []
        switch source {
        case .kubeconfig(let path, let named):
            (paths, context) = ([path], named)
        case .automatic:
            guard
                case .kubeconfig(let found) = automaticSource(
                    environment: { getenv($0).map { String(cString: $0) } }, fileExists: ConfigFiles.isFile)
            else { return [] }
            (paths, context) = (found, nil)
            references = found.map { KubeconfigFileReference(path: $0, role: "kubeconfig", isSecret: true) }
        case .inCluster:
            return []
        }
        guard let kubeconfig = try? Kubeconfig(paths: paths), let selection = try? kubeconfig.select(context: context)
        else { return references }
        return references + Kubeconfig.referencedFiles(selection, home: home)
    }
}

extension Kubeconfig {
    /// The files the selected cluster and user name, in the order loading reads them.
    static func referencedFiles(_ selection: Selection, home: String?) -> [KubeconfigFileReference] {
        var references: [KubeconfigFileReference] = []
        func add(_ entry: Entry, _ fields: YAMLFields, key: String, role: String, secret: Bool) {
            guard let value = try? fields.nonEmptyString(key) else { return }
            let path = ConfigFiles.resolve(value, against: ConfigFiles.directory(of: entry.file), home: home)
            references.append(KubeconfigFileReference(path: path, role: role, isSecret: secret))
        }
        add(
            selection.cluster, selection.cluster.fields, key: "certificate-authority", role: "certificate authority",
            secret: false)
        guard let user = selection.user else { return references }
        add(user, user.fields, key: "client-certificate", role: "client certificate", secret: false)
        add(user, user.fields, key: "client-key", role: "client key", secret: true)
        add(user, user.fields, key: "tokenFile", role: "token file", secret: true)
        if let exec = try? user.fields.mapping("exec"), let command = try? exec.nonEmptyString("command"),
            command.contains("/")
        {
            add(user, exec, key: "command", role: "credential plugin", secret: false)
        }
        return references
    }
}
