import SupervisorCore
import Testing

/// `kafka.properties` in its three spellings (file mapping, one entry per key, one text), and the properties
/// k8s-worker refuses to let it override.
@Suite struct KafkaPropertiesTests {
    private func load(
        _ yaml: String?, environment: [String: String] = [:], flags: [(key: String, value: String)] = []
    ) throws -> Configuration {
        try loadConfiguration(yaml, environment: environment, flags: flags + [("source.path", "/x")])
    }

    private func error(
        _ yaml: String?, environment: [String: String] = [:], flags: [(key: String, value: String)] = []
    ) -> ConfigurationError? {
        do {
            _ = try load(yaml, environment: environment, flags: flags)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return ConfigurationError(key: "", message: "\(error)")
        }
    }

    @Test func aFileMappingCarriesAnyValueVerbatim() throws {
        let configuration = try load(
            "kafka:\n  properties:\n    debug: cgrp,consumer\n    fetch.wait.max.ms: 10\n    ssl.cipher.suites: 'A=B, C'\n"
        )
        #expect(
            configuration.kafka.properties == [
                "debug": "cgrp,consumer", "fetch.wait.max.ms": "10", "ssl.cipher.suites": "A=B, C",
            ])
    }

    @Test func theCommaSeparatedTextStillWorksWithoutCommasInValues() throws {
        let configuration = try load("kafka:\n  properties: fetch.wait.max.ms=10, linger.ms = 2\n")
        #expect(configuration.kafka.properties == ["fetch.wait.max.ms": "10", "linger.ms": "2"])
        #expect(
            error("kafka:\n  properties: debug=cgrp,consumer\n")?.message.hasPrefix("'consumer' is not name=value")
                == true)
    }

    @Test func oneTextReplacesTheMapAndOneEntryFlagAddsToIt() throws {
        let file = "kafka:\n  properties:\n    debug: cgrp\n    linger.ms: 2\n"
        let replaced = try load(file, environment: ["K8S_WORKER_KAFKA_PROPERTIES": #"{debug: "cgrp,consumer"}"#])
        #expect(replaced.kafka.properties == ["debug": "cgrp,consumer"])
        let added = try load(file, flags: [("kafka.properties.debug", "all,-fetch"), ("kafka.properties.acks", "1")])
        #expect(added.kafka.properties == ["debug": "all,-fetch", "linger.ms": "2", "acks": "1"])
    }

    @Test(arguments: [
        ("enable.auto.commit", "cannot be overridden"), ("enable.auto.offset.store", "cannot be overridden"),
        ("log.queue", "cannot be overridden"), ("enable.partition.eof", "cannot be overridden"),
        ("group.id", "use kafka.group_id"), ("bootstrap.servers", "use kafka.bootstrap_servers"),
        ("sasl.password", "use kafka.sasl_password"), ("client.id", "use kafka.client_id"),
    ])
    func managedPropertiesAreRefusedInEverySpelling(name: String, reason: String) {
        let file = error("kafka:\n  properties:\n    \(name): x\n")
        #expect(file?.key == "kafka.properties.\(name)")
        #expect(file?.message.contains(reason) == true, "\(String(describing: file))")
        #expect(error(nil, flags: [("kafka.properties", "\(name)=x")])?.message.contains(reason) == true)
        #expect(
            error(nil, environment: ["K8S_WORKER_KAFKA_PROPERTIES": "{\(name): x}"])?.message.contains(reason) == true)
    }

    @Test func malformedTextIsRefused() {
        #expect(error(nil, flags: [("kafka.properties", "{debug: [a, b]}")])?.message == "must be a single value")
        #expect(
            error(nil, flags: [("kafka.properties", "{debug: ")])?.message.hasPrefix("not a valid YAML mapping") == true
        )
        #expect(
            error(nil, flags: [("kafka.properties.bad name", "1")])?.message
                == "'bad name' is not a librdkafka property name")
        #expect(error("kafka:\n  properties:\n    debug: [a]\n")?.key == "kafka.properties.debug")
    }

    @Test func rendersAsAFlowMappingThatReadsBackAndHidesSecrets() throws {
        let properties = ["debug": "cgrp,consumer", "client.rack": #"a "b"\c"#, "ssl.key.password": "hunter2"]
        var configuration = Configuration()
        configuration.kafka.properties = properties
        let text = try #require(ConfigurationKeys.key(named: "kafka.properties")).value(in: configuration)
        #expect(text == #"{client.rack: "a \"b\"\\c", debug: "cgrp,consumer", ssl.key.password: (secret)}"#)
        #expect(!text.contains("hunter2"))
        configuration.kafka.properties["ssl.key.password"] = nil
        let shown = try #require(ConfigurationKeys.key(named: "kafka.properties")).value(in: configuration)
        #expect(try load(nil, flags: [("kafka.properties", shown)]).kafka.properties == configuration.kafka.properties)
    }
}
