import Diagnostics
import Yams

/// `kafka.properties`: extra librdkafka properties for the consumer and the producer, by name.
///
/// Three spellings, all carrying the same map:
/// - in the file, a mapping under `kafka.properties` (`debug: cgrp,consumer`), any value verbatim;
/// - one entry as its own key, `kafka.properties.<name>` (`--set kafka.properties.debug=cgrp,consumer`);
/// - the whole map as one text (the environment `K8S_WORKER_KAFKA_PROPERTIES`, or `--set kafka.properties=…`):
///   a YAML flow mapping `{debug: "cgrp,consumer"}`, or the older comma-separated `name=value,name=value`, which
///   cannot carry a value containing a comma. One text replaces the map set by earlier layers.
///
/// Properties k8s-worker sets itself are refused here, so that `check-config` and `run` say why (see README,
/// "kafka.properties"). librdkafka judges the rest when the clients' configurations are built.
public enum KafkaProperties {
    /// The key prefix of one entry.
    public static let entryPrefix = "kafka.properties."

    /// Properties that have their own `kafka.*` key.
    static let ownKeys: [String: String] = [
        "bootstrap.servers": "kafka.bootstrap_servers", "metadata.broker.list": "kafka.bootstrap_servers",
        "group.id": "kafka.group_id", "client.id": "kafka.client_id", "auto.offset.reset": "kafka.auto_offset_reset",
        "session.timeout.ms": "kafka.session_timeout", "partition.assignment.strategy": "kafka.assignment_strategy",
        "group.instance.id": "kafka.group_instance_id", "max.poll.interval.ms": "kafka.max_poll_interval",
        "security.protocol": "kafka.security_protocol", "sasl.mechanisms": "kafka.sasl_mechanism",
        "sasl.mechanism": "kafka.sasl_mechanism", "sasl.username": "kafka.sasl_username",
        "sasl.password": "kafka.sasl_password",
        // Every produced record is built to fit this bound, so the producer's limit must be the same number.
        "message.max.bytes": "kafka.max_message_bytes",
    ]

    /// Properties the source depends on to be correct, with the reason.
    static let managed: [String: String] = [
        "enable.auto.commit": "offsets are committed only after a record's events are delivered",
        "auto.commit.enable": "offsets are committed only after a record's events are delivered",
        "enable.auto.offset.store": "offsets are stored only after a record's events are delivered",
        "enable.partition.eof": "the source does not handle end-of-partition events",
        "log.queue": "librdkafka's log lines are read from the client's event queue",
    ]

    /// Why `name` may not be set through `kafka.properties`, or nil when it may.
    public static func refusal(of name: String) -> String? {
        if let key = ownKeys[name] { return "'\(name)' is set by k8s-worker: use \(key)" }
        if let reason = managed[name] { return "'\(name)' is set by k8s-worker and cannot be overridden (\(reason))" }
        return nil
    }

    /// Sets one entry, refusing managed and malformed names.
    static func set(_ name: String, _ value: String, in properties: inout [String: String]) throws(ConfigurationError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") })
        else {
            throw ConfigurationError(key: entryPrefix + name, message: "'\(name)' is not a librdkafka property name")
        }
        if let refusal = refusal(of: name) { throw ConfigurationError(key: entryPrefix + name, message: refusal) }
        properties[name] = value
    }

    /// Parses the whole map from one text: a YAML flow mapping, or `name=value` pairs separated by commas.
    static func parse(_ text: String) throws(ConfigurationError) -> [String: String] {
        var result: [String: String] = [:]
        let trimmed = text.trimmed
        if trimmed.hasPrefix("{") {
            let node: Node?
            do { node = try Yams.compose(yaml: trimmed) } catch {
                throw ConfigurationError(key: "kafka.properties", message: "not a valid YAML mapping: \(error)")
            }
            guard let entries = node?.mapping else {
                throw ConfigurationError(key: "kafka.properties", message: "not a valid YAML mapping")
            }
            for (name, value) in entries {
                guard let scalar = value.scalar else {
                    throw ConfigurationError(key: entryPrefix + (name.string ?? ""), message: "must be a single value")
                }
                try set(name.string ?? "", scalar.string, in: &result)
            }
            return result
        }
        for item in trimmed.split(separator: ",") {
            let pair = String(item).trimmed
            guard !pair.isEmpty else { continue }
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ConfigurationError(
                    key: "kafka.properties",
                    message:
                        "'\(pair)' is not name=value (a value containing a comma needs the mapping form, see README)")
            }
            try set(String(pair[..<equals]).trimmed, String(pair[pair.index(after: equals)...]).trimmed, in: &result)
        }
        return result
    }

    /// The map as a YAML flow mapping (values as JSON strings, which YAML reads), sorted by name; values of secret-looking properties are not shown.
    static func render(_ properties: [String: String]) -> String {
        guard !properties.isEmpty else { return "" }
        let entries = properties.sorted { $0.key < $1.key }.map { name, value in
            "\(name): \(isSecret(name) ? "(secret)" : StderrLogHandler.quote(value))"
        }
        return "{" + entries.joined(separator: ", ") + "}"
    }

    /// Whether a property's value is a credential (passwords, secrets, inline keys).
    static func isSecret(_ name: String) -> Bool {
        ["password", "secret", ".pem", "sasl.oauthbearer.config", "ssl.key"].contains { name.contains($0) }
    }

    /// The key for one entry, `kafka.properties.<name>`.
    static func entryKey(named name: String) -> ConfigurationKey? {
        guard name.hasPrefix(entryPrefix) else { return nil }
        let property = String(name.dropFirst(entryPrefix.count))
        return ConfigurationKey(
            name: name, type: "string", summary: "One librdkafka property.", reloadable: false,
            apply: { (configuration: inout Configuration, value: String) throws(ConfigurationError) in
                try set(property, value, in: &configuration.kafka.properties)
            },
            render: { $0.kafka.properties[property] ?? "" },
            keep: { $0.kafka.properties[property] = $1.kafka.properties[property] },
            differs: { $0.kafka.properties[property] != $1.kafka.properties[property] })
    }
}
