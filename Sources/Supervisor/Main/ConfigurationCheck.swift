import ArgumentParser
import Diagnostics
import KafkaClient
import KafkaIngest
import SupervisorCore

/// The one validation of `check-config` and `run`: the loader's (every key, every layer), then, for the Kafka
/// source, librdkafka's own verdict on the consumer and producer it would build. So `check-config` accepts exactly
/// what `run` accepts, and every refusal exits 78 (EX_CONFIG, which systemd's `RestartPreventExitStatus=78`
/// keeps from restart-looping; see systemd/README.md).
struct ConfigurationCheck {
    var configuration: Configuration
    /// Present for `source.kind: kafka`.
    var kafka: KafkaSourceSettings?

    /// Loads and validates, or prints why not (`<command>: invalid configuration: …`) and throws exit code 78.
    init(_ loader: ConfigurationLoader, command: String) throws(ExitCode) {
        do {
            configuration = try loader.load()
            // Before librdkafka's first client (the check below builds one), which initializes Cyrus SASL and its
            // plugins.
            if configuration.source.kind == .kafka {
                CyrusSASL.skipPluginsUnlessNeeded(KafkaSourceSettings.passedProperties(configuration.kafka))
            }
            kafka = configuration.source.kind == .kafka ? try KafkaSourceSettings(configuration) : nil
        } catch {
            printError("\(command): invalid configuration: \(error)")
            throw ExitCode(78)
        }
        let warnings =
            configuration.warnings + KafkaSourceSettings.warnings(configuration, library: .current)
        for warning in warnings { printError("\(command): warning: \(warning)") }
    }
}
