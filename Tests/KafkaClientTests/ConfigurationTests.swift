import Testing

@testable import KafkaClient

@Suite("Configuration and errors", .timeLimit(.minutes(1)))
struct ConfigurationTests {
    @Test("an unknown property is a typed configuration error naming it")
    func unknownProperty() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.additionalProperties = ["no.such.property": "1"]
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error?.code == .configuration)
        #expect(error?.property == "no.such.property")
        #expect(error?.isRetriable == false)
    }

    @Test("an out-of-range typed value names the librdkafka property")
    func outOfRangeValue() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.sessionTimeout = .milliseconds(0)
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error?.code == .configuration)
        #expect(error?.property == "session.timeout.ms")
    }

    @Test("an invalid enumerated value in the pass-through names the property")
    func invalidEnumeratedValue() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.additionalProperties = ["compression.codec": "bogus"]
        let error = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error?.code == .configuration)
        #expect(error?.property == "compression.codec")
    }

    @Test("a configuration rejected as a whole by rd_kafka_new is a configuration error")
    func inconsistentConfiguration() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.acks = .leader  // idempotence requires acks=all
        let error = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("acks") == true)
    }

    @Test("defaults follow the documented decisions")
    func defaults() {
        let consumer = Dictionary(
            KafkaConsumerConfiguration(bootstrapServers: ["a:1", "b:2"]).librdkafkaProperties,
            uniquingKeysWith: { _, last in last })
        #expect(consumer["bootstrap.servers"] == "a:1,b:2")
        #expect(consumer["group.id"] == "k8s-worker")
        #expect(consumer["auto.offset.reset"] == "earliest")
        #expect(consumer["enable.auto.commit"] == "false")
        #expect(consumer["enable.auto.offset.store"] == "false")
        #expect(consumer["session.timeout.ms"] == "45000")
        #expect(consumer["partition.assignment.strategy"] == "range,roundrobin")
        #expect(consumer["log.queue"] == "true")

        let producer = Dictionary(
            KafkaProducerConfiguration(bootstrapServers: ["a:1"]).librdkafkaProperties,
            uniquingKeysWith: { _, last in last })
        #expect(producer["acks"] == "all")
        #expect(producer["enable.idempotence"] == "true")
        #expect(producer["partitioner"] == "murmur2_random")
        #expect(producer["linger.ms"] == "5")
        #expect(producer["message.timeout.ms"] == "300000")
    }

    @Test("pass-through properties are applied last and win")
    func passThroughWins() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["a:1"])
        configuration.partitionAssignmentStrategies = [.cooperativeSticky]
        configuration.additionalProperties = ["group.id": "override"]
        let properties = configuration.librdkafkaProperties
        #expect(properties.last(where: { $0.0 == "group.id" })?.1 == "override")
        #expect(properties.contains(where: { $0 == ("partition.assignment.strategy", "cooperative-sticky") }))
    }

    @Test("security settings map to librdkafka and secrets stay out of descriptions")
    func security() {
        var security = KafkaSecurityConfiguration()
        security.securityProtocol = .saslSSL
        security.saslMechanism = .scramSHA512
        security.saslUsername = "worker"
        security.saslPassword = "hunter2"
        let properties = Dictionary(security.librdkafkaProperties, uniquingKeysWith: { _, last in last })
        #expect(properties["security.protocol"] == "sasl_ssl")
        #expect(properties["sasl.mechanisms"] == "SCRAM-SHA-512")
        #expect(properties["sasl.password"] == "hunter2")
        #expect(!security.description.contains("hunter2"))
    }

    @Test("error codes carry librdkafka semantics and compare by code")
    func errorSemantics() {
        let full = KafkaError(code: .queueFull, message: "a")
        #expect(full.isRetriable)
        #expect(!full.isFatal)
        #expect(full == KafkaError(code: .queueFull, message: "different text"))
        #expect(full != KafkaError(code: .messageTimedOut, message: "a"))
        #expect(KafkaError.Code.queueFull.description == "_QUEUE_FULL")
        #expect(KafkaError.Code.queueFull.rdKafkaValue == -184)
        #expect(KafkaError.Code.configuration.rdKafkaValue == nil)
        #expect(KafkaError(code: .fatal, message: "x").isFatal)
        #expect(!KafkaError(code: .topicAuthorizationFailed, message: "x").isRetriable)
        #expect(KafkaError(code: .notEnoughReplicas, message: "x").isRetriable)
        #expect(KafkaError.Code(rdKafkaValue: 19) == .notEnoughReplicas)
    }

    @Test("durations convert to librdkafka milliseconds")
    func durations() {
        #expect(Duration.seconds(45).wholeMilliseconds == 45_000)
        #expect(Duration.microseconds(1500).wholeMilliseconds == 1)
        #expect(Duration.microseconds(1500).timeoutMilliseconds == 2)
        #expect(Duration.zero.timeoutMilliseconds == 0)
        #expect(Duration.seconds(-3).timeoutMilliseconds == 0)
        #expect(Duration.seconds(Int64.max / 10).timeoutMilliseconds == Int32.max)
    }
}
