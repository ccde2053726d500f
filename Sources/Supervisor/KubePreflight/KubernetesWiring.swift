import KubeAccess
import KubeClient
import KubeconfigLoading
import Logging
import SupervisorCore

/// The `kubernetes` configuration section as the handler's settings, and the namespace preflight at start.
public enum KubernetesWiring {
    /// The settings workers receive in their welcome.
    public static func settings(_ configuration: Configuration) -> KubernetesSettings {
        let section = configuration.kubernetes
        let source: KubeClusterSource =
            switch section.source {
            case .kubeconfig:
                .kubeconfig(path: section.kubeconfig, context: section.context.isEmpty ? nil : section.context)
            case .inCluster: .inCluster()
            case .auto: .automatic
            }
        return KubernetesSettings(
            source: source, namespace: section.namespace, rateLimit: SharedRateLimit.mode(section.rateLimit),
            qps: Double(section.qps), burst: section.burst,
            connectTimeout: section.connectTimeout, requestTimeout: section.requestTimeout,
            terminationGracePeriodSeconds: section.terminationGracePeriod,
            runtimeClassName: section.runtimeClass.isEmpty ? nil : section.runtimeClass, pod: configuration.pod)
    }

    /// The image pre-puller, with an API client of its own (it runs on its own thread), under the workers'
    /// shared rate limit when given. Not started.
    public static func prePuller(
        _ configuration: Configuration, logger: Logger, rateLimit: SharedRateLimit? = nil
    ) throws -> ImagePrePuller {
        let settings = settings(configuration)
        let client: KubeClient
        do {
            client = try KubeClient.logging(
                to: logger, config: try KubeClusterConfig.load(settings.source), settings: settings.clientSettings,
                limiter: rateLimit?.limiter)
        } catch {
            throw KubernetesWiringError("kubernetes client: \(error)")
        }
        return try ImagePrePuller(client: client, configuration: configuration, logger: logger)
    }

    /// Before any worker starts: the credentials load and the namespace is usable and prepared (docs/decisions.md, D6).
    public static func preflight(_ configuration: Configuration, logger: Logger) throws -> NamespacePreflight.Report? {
        let settings = settings(configuration)
        // Whoever can replace a credentials file has the service's credentials or identity (SECURITY.md).
        func check(_ path: String, role: String, isSecret: Bool) throws {
            guard let finding = CredentialFileCheck.examine(path) else { return }
            guard !finding.refuses else {
                throw KubernetesWiringError("refusing the \(role) \(path): \(finding.description)")
            }
            if isSecret {
                logger.warning(
                    "SECURITY: the \(role) holds credentials and \(finding.description)", metadata: ["path": "\(path)"])
            }
        }
        // The kubeconfig itself before it is loaded; the files it names once it parses.
        if case .kubeconfig(let path, _) = settings.source { try check(path, role: "kubeconfig", isSecret: true) }
        let client: KubeClient
        do {
            let cluster = try KubeClusterConfig.load(settings.source)
            client = try KubeClient.logging(to: logger, config: cluster, settings: settings.clientSettings)
        } catch {
            throw KubernetesWiringError("kubernetes client: \(error)")
        }
        for file in KubeClusterConfig.referencedFiles(settings.source) {
            try check(file.path, role: file.role, isSecret: file.isSecret)
        }
        logger.info("kubernetes API", metadata: ["server": "\(client.server)", "namespace": "\(settings.namespace)"])
        guard configuration.kubernetes.prepareNamespace else { return nil }
        return try NamespacePreflight(
            api: client, namespace: settings.namespace, policy: configuration.kubernetes.onForbidden, logger: logger
        ).run()
    }
}

/// The welcome settings of each new worker, from the configuration in force when it starts.
///
/// The cluster configuration is resolved again for every worker, so a worker started after the kubeconfig's
/// certificates or token were rotated on disk gets the new ones. If the files are unreadable at that moment
/// (mid-rotation, say), the worker gets the last configuration that resolved, and the problem is logged.
///
/// With `sharingRateLimit`, each worker is told to map the supervisor's rate-limit page from the descriptor the
/// launcher passes it (``SharedRateLimit``); without, each worker's client limits itself.
public final class WorkerSettings {
    private let logger: Logger
    private let sharingRateLimit: Bool
    private var lastResolved: (source: KubeClusterSource, cluster: KubeClusterConfig)?

    public init(logger: Logger, sharingRateLimit: Bool = false) {
        self.logger = logger
        self.sharingRateLimit = sharingRateLimit
    }

    public func callAsFunction(_ configuration: Configuration) -> [UInt8] {
        guard configuration.workers.handler == .kubernetes else { return [] }
        var settings = KubernetesWiring.settings(configuration)
        if sharingRateLimit { settings.rateLimitDescriptor = KubernetesSettings.sharedRateLimitDescriptor }
        do {
            let cluster = try KubeClusterConfig.load(settings.source)
            settings.cluster = cluster
            lastResolved = (settings.source, cluster)
        } catch {
            if let lastResolved, lastResolved.source == settings.source {
                logger.warning(
                    "the cluster configuration does not load now; the new worker gets the last one that did",
                    metadata: ["error": "\(error)"])
                settings.cluster = lastResolved.cluster
            } else {
                // The worker then refuses to start, and the pool's crash-loop backoff paces the retries.
                logger.error("the cluster configuration does not load", metadata: ["error": "\(error)"])
            }
        }
        return settings.json
    }
}

/// A start-up refusal with its reason.
public struct KubernetesWiringError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
