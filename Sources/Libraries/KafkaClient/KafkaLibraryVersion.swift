internal import CRdKafka

/// The librdkafka this process runs with, for `--version` and the start-up log line.
public struct KafkaLibraryVersion: Sendable, Equatable, CustomStringConvertible {
    /// `rd_kafka_version_str()`, e.g. `2.0.2`.
    public var version: String
    /// The `builtin.features` property: what this build supports (e.g. `ssl`, `sasl_scram`, `zstd`).
    public var builtinFeatures: [String]

    /// The loaded library's answer.
    public static var current: KafkaLibraryVersion {
        var features: [String] = []
        if let conf = rd_kafka_conf_new() {
            defer { rd_kafka_conf_destroy(conf) }
            var buffer = [CChar](repeating: 0, count: 1024)
            var size = buffer.count
            if rd_kafka_conf_get(conf, "builtin.features", &buffer, &size) == RD_KAFKA_CONF_OK {
                features = String(nulTerminated: buffer).split(separator: ",").map(String.init)
            }
        }
        return KafkaLibraryVersion(version: String(cString: rd_kafka_version_str()), builtinFeatures: features)
    }

    /// `librdkafka 2.0.2 (builtin.features: gzip,snappy,ssl,sasl,...)`.
    public var description: String {
        "librdkafka \(version) (builtin.features: \(builtinFeatures.joined(separator: ",")))"
    }
}
