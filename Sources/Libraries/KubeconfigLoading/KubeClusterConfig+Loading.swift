import Glibc
import KubeClient

extension KubeClusterConfig {
    /// Loads and validates the configuration `source` describes, reading the process environment where the
    /// source says so (`KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST`/`PORT`, `POD_NAMESPACE`).
    ///
    /// - Throws: `.configuration`, with a message that names the file and the key at fault but never a secret.
    public static func load(_ source: KubeClusterSource) throws(KubeAPIError) -> KubeClusterConfig {
        try load(source, environment: { name in getenv(name).map { String(cString: $0) } })
    }

    /// ``load(_:)`` with an explicit environment lookup (tests pass a dictionary).
    static func load(
        _ source: KubeClusterSource, environment: (String) -> String?
    ) throws(KubeAPIError) -> KubeClusterConfig {
        switch source {
        case .kubeconfig(let path, let context):
            return try Kubeconfig.load(paths: [path], context: context, home: environment("HOME"))
        case .inCluster(let root, let host, let port):
            return try InClusterConfig.load(root: root, host: host, port: port, environment: environment)
        case .automatic:
            switch automaticSource(environment: environment, fileExists: ConfigFiles.isFile) {
            case .kubeconfig(let paths):
                return try Kubeconfig.load(paths: paths, context: nil, home: environment("HOME"))
            case .inCluster:
                return try InClusterConfig.load(
                    root: InClusterConfig.defaultRoot, host: nil, port: nil, environment: environment)
            }
        }
    }

    /// What ``KubeClusterSource/automatic`` resolves to.
    enum AutomaticChoice: Equatable {
        case kubeconfig([String])
        case inCluster
    }

    /// `KUBECONFIG`'s existing files when it is set (even if none exists, `~/.kube/config` is then not
    /// consulted), else `~/.kube/config` when it exists, else in-cluster.
    static func automaticSource(
        environment: (String) -> String?, fileExists: (String) -> Bool
    ) -> AutomaticChoice {
        if let list = environment("KUBECONFIG"), !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty && fileExists($0) }
            var unique: [String] = []
            for path in paths where !unique.contains(path) { unique.append(path) }
            return unique.isEmpty ? .inCluster : .kubeconfig(unique)
        }
        if let home = environment("HOME"), !home.isEmpty, fileExists("\(home)/.kube/config") {
            return .kubeconfig(["\(home)/.kube/config"])
        }
        return .inCluster
    }
}

extension KubeClient {
    /// Loads the configuration `settings.source` describes and prepares the client. Does no network I/O; the
    /// first call connects. Logs the configuration's ``KubeClusterConfig/warnings`` at warning level.
    ///
    /// Lives here rather than in `KubeClient` because loading a kubeconfig parses YAML, which brings Foundation;
    /// worker processes receive an already resolved configuration and never link it.
    ///
    /// - Throws: `.configuration` for an unusable kubeconfig or in-cluster layout.
    public convenience init(settings: KubeClientSettings, logger: KubeClientLogger? = nil) throws(KubeAPIError) {
        try self.init(config: try KubeClusterConfig.load(settings.source), settings: settings, logger: logger)
    }
}
