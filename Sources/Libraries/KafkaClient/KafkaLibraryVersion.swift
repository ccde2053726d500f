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
        return KafkaLibraryVersion(
            version: String(cString: rd_kafka_version_str()), builtinFeatures: features, number: rd_kafka_version())
    }

    /// The numeric version, `rd_kafka_version()` as `0xMMmmrrxx` (major, minor, revision, pre-release).
    public var number: Int32

    /// A version as given (tests and decisions that depend on the version).
    public init(version: String, builtinFeatures: [String] = [], number: Int32) {
        self.version = version
        self.builtinFeatures = builtinFeatures
        self.number = number
    }

    /// Whether a cooperative consumer that commits keeps its assignment through a rebalance. Before librdkafka
    /// 2.10.0, an offset commit answered with ILLEGAL_GENERATION because the group's generation moved on during the
    /// rebalance (the commit waits behind the member's own JoinGroup on the coordinator connection) makes librdkafka
    /// treat the whole assignment as lost, so a member that commits while a rebalance runs drops every partition
    /// (librdkafka issue #4059, fixed by PR #4908; `Tests/IntegrationTests/CooperativeRebalanceTests.swift` shows it).
    public var keepsCooperativeAssignmentOnCommitRace: Bool {
        number >= 0x020A_0000
    }

    /// `librdkafka 2.0.2 (builtin.features: gzip,snappy,ssl,sasl,...)`.
    public var description: String {
        "librdkafka \(version) (builtin.features: \(builtinFeatures.joined(separator: ",")))"
    }
}
