import ArgumentParser
import Diagnostics
import Events
import KubeAccess
import KubeManifests
import KubePreflight
import SupervisorCore

/// `k8s-worker render <command.json>`: the exact objects a create_pod_command would produce, without a cluster.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the Pod and ConfigMap a create_pod_command would produce (a dry run; nothing is sent).",
        discussion: """
            Prints the Pod, then the ConfigMap, as one compact JSON object per line (pipe through jq to read). \
            The ConfigMap's ownerReference names the Pod's uid, which the API server assigns when the Pod is \
            created; --pod-uid sets it here (default: all zeros). Resource values that were clamped to the \
            configured maxima are reported on standard error. With --config (and --set), the configuration's \
            namespace, `kubernetes` and `pod` sections shape the objects exactly as a worker would; an invalid \
            configuration exits 78. Exit 65 if the command is refused, with the reason.
            """)

    @OptionGroup var options: ConfigurationOptions

    @Argument(help: "A file holding one create_pod_command (the Kafka record value).")
    var file: String

    @Option(help: "Namespace the objects would be created in (default: the configuration's, integr8scode).")
    var namespace: String?

    @Option(help: "The Pod uid to put in the ConfigMap's ownerReference.")
    var podUID = "00000000-0000-0000-0000-000000000000"

    /// The defaults, or the configuration named by the options (exit 78 when it is invalid).
    private func loadConfiguration() throws -> Configuration {
        guard options.config != nil || !options.overrides.isEmpty else { return Configuration() }
        let loader = ConfigurationLoader(
            path: options.config, environment: ConfigurationLoader.processEnvironment(), overrides: try options.pairs())
        do {
            return try loader.load()
        } catch {
            printError("k8s-worker render: invalid configuration: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
    }

    func run() throws {
        let text: String
        do {
            text = try ConfigurationLoader.readFile(file)
        } catch {
            printError("k8s-worker render: \(error)")
            throw ExitCode(66)  // EX_NOINPUT
        }
        do {
            guard
                case .create(let command) = try InboundCommand.decode(
                    Array(text.utf8), options: DecodingOptions(now: { .epoch }))
            else {
                printError("k8s-worker render: only create_pod_command produces objects")
                throw ExitCode(65)
            }
            var settings = KubernetesWiring.settings(try loadConfiguration())
            if let namespace { settings.namespace = namespace }
            let builder = try settings.manifestBuilder()
            let prepared = try builder.prepare(command)
            for adjustment in prepared.adjustments { printError("adjusted: \(adjustment)") }
            print(String(decoding: prepared.pod.json, as: UTF8.self))
            print(String(decoding: try prepared.configMap(podUID: podUID).json, as: UTF8.self))
        } catch let error as EventDecodingError {
            printError("k8s-worker render: the command cannot be decoded: \(error)")
            throw ExitCode(65)  // EX_DATAERR
        } catch let error as ManifestError {
            printError("k8s-worker render: refused: \(error)")
            throw ExitCode(65)
        }
    }
}
