internal import CRdKafka

/// librdkafka's own verdict on a consumer and a producer configuration, without consuming or producing.
///
/// Every property is offered to `rd_kafka_conf_set` and every rejection is collected (not only the first), each
/// with librdkafka's text. When all properties are accepted, each configuration is also handed to `rd_kafka_new`,
/// which checks the properties against each other and reads the files they name (for example
/// `ssl.ca.location`); the client is destroyed at once, without joining a group or producing.
public enum KafkaConfigurationCheck {
    /// The problems, in the order found; empty when librdkafka accepts both configurations.
    public static func problems(
        consumer: KafkaConsumerConfiguration, producer: KafkaProducerConfiguration
    ) -> [KafkaError] {
        var problems = rejections(consumer.librdkafkaProperties)
        for problem in rejections(producer.librdkafkaProperties)
        where !problems.contains(where: { $0.property == problem.property && $0.message == problem.message }) {
            problems.append(problem)
        }
        guard problems.isEmpty else { return problems }
        for (kind, properties) in [
            (RDKafkaClient.Kind.consumer, consumer.librdkafkaProperties), (.producer, producer.librdkafkaProperties),
        ] {
            do {
                // Destroyed on return: a consumer without subscription leaves nothing behind (see RDKafkaClient).
                _ = try RDKafkaClient(kind: kind, config: RDKafkaConfig(properties: properties, events: 0))
            } catch {
                problems.append(error)
            }
        }
        return problems
    }

    /// Every property `rd_kafka_conf_set` rejects.
    static func rejections(_ properties: [(String, String)]) -> [KafkaError] {
        guard let conf = rd_kafka_conf_new() else {
            return [KafkaError.configuration(property: nil, message: "rd_kafka_conf_new returned NULL")]
        }
        defer { rd_kafka_conf_destroy(conf) }
        return properties.compactMap { RDKafkaConfig.set($0.0, $0.1, on: conf) }
    }
}
