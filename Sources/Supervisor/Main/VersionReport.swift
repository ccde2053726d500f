import KafkaClient
import KubeClient
import Logging

/// What an operator runs: this program's version and the librdkafka and libcurl actually loaded (their TLS and
/// SASL support decide which `kafka.security_protocol` and cluster endpoints work). Printed by `--version`,
/// logged once by `run` at start.
enum VersionReport {
    /// `--version`: one line each.
    static var text: String {
        [
            "k8s-worker \(K8sWorkerCommand.version)", KafkaLibraryVersion.current.description,
            CurlVersion.current.description,
        ].joined(separator: "\n")
    }

    /// The start-up log line's fields.
    static var metadata: Logger.Metadata {
        let kafka = KafkaLibraryVersion.current
        let curl = CurlVersion.current
        return [
            "version": "\(K8sWorkerCommand.version)", "librdkafka": "\(kafka.version)",
            "librdkafka.features": "\(kafka.builtinFeatures.joined(separator: ","))", "libcurl": "\(curl.version)",
            "libcurl.ssl": "\(curl.sslBackend)", "libcurl.http2": "\(curl.http2)",
        ]
    }
}
