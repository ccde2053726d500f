import KubeClient
import KubeExecution
import Logging
import SupervisorCore

/// The `kubernetes` configuration section as the handler's settings, and the namespace preflight at start.
enum KubernetesWiring {
    /// The settings workers receive in their welcome.
    static func settings(_ configuration: Configuration) -> KubernetesSettings {
        let section = configuration.kubernetes
        let source: KubeClusterSource = switch section.source {
        case "kubeconfig": .kubeconfig(path: section.kubeconfig, context: section.context.isEmpty ? nil : section.context)
        case "in-cluster": .inCluster()
        default: .automatic
        }
        return KubernetesSettings(
            source: source, namespace: section.namespace, qps: Double(section.qps), burst: section.burst,
            connectTimeout: section.connectTimeout, requestTimeout: section.requestTimeout,
            terminationGracePeriodSeconds: section.terminationGracePeriod,
            runtimeClassName: section.runtimeClass.isEmpty ? nil : section.runtimeClass)
    }

    /// Before any worker starts: the credentials load and the namespace is usable and prepared (Decision 6).
    static func preflight(_ configuration: Configuration, logger: Logger) throws -> NamespacePreflight.Report? {
        let settings = settings(configuration)
        if case .kubeconfig(let path, _) = settings.source {
            switch CredentialFileCheck.examine(path) {
            case .writableByOthers(let mode):
                throw KubernetesWiringError("\(path) is writable by others (mode \(mode)); it holds credentials: chmod 600 it")
            case .readableByOthers(let mode):
                logger.warning("SECURITY: the kubeconfig is readable by others; it holds credentials: chmod 600 it",
                    metadata: ["path": "\(path)", "mode": "\(mode)"])
            case nil:
                break
            }
        }
        let client: KubeClient
        do { client = try KubeClient.logging(to: logger, settings: settings.clientSettings) } catch {
            throw KubernetesStartupError.client(error)
        }
        logger.info("kubernetes API", metadata: ["server": "\(client.server)", "namespace": "\(settings.namespace)"])
        guard configuration.kubernetes.prepareNamespace else { return nil }
        let policy = NamespacePreflight.Policy(rawValue: configuration.kubernetes.onForbidden) ?? .fail
        return try NamespacePreflight(api: client, namespace: settings.namespace, policy: policy, logger: logger).run()
    }
}

/// A start-up refusal with its reason.
struct KubernetesWiringError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
