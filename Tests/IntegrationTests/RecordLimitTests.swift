import Events
import Glibc
import KafkaClient
import Testing

extension Integration {
    /// No record can freeze a partition, and no stop can outlast its hard deadline. Run against librdkafka's mock
    /// cluster with the default size limits on both sides: records up to a broker's default `message.max.bytes`
    /// (1,048,588) come in, and the supervisor's producer keeps librdkafka's default (1,000,000).
    @Suite struct RecordLimits {
        static let dlq = "saga_commands.dlq"

        func create(_ index: Int) -> [UInt8] { Array(createTemplate.replacing("EXEC", with: executionID(index)).utf8) }

        func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

        @Test("records of about 1 MB are dead-lettered cut to fit; later records on the same partition commit")
        func oversizedDeadLetters() throws {
            let kafka = try KafkaHarness()
            let key = "same-partition"
            // Malformed, 1,040,000 bytes: passes the default kafka.max_record_bytes (4 MiB), fails to parse.
            let malformed =
                Array("{\"event_type\":".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 1_040_000 - 14)
            // A valid command whose user_id alone is 1,030,000 bytes: refused at triage, no Pod, no event.
            let hugeUser = Array(
                createTemplate.replacing("EXEC", with: executionID(5))
                    .replacing("7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e", with: String(repeating: "u", count: 1_030_000))
                    .utf8)
            try kafka.send([(key, create(1)), (key, malformed), (key, create(2)), (key, hugeUser), (key, create(3))])
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start(arguments: kafka.supervisorArguments())
            kafka.observe(for: 60) { messages in
                messages.count { $0.topic == "pod_events" } >= 3 && messages.count { $0.topic == Self.dlq } >= 2
            }
            let dead = kafka.observed(on: Self.dlq)
            #expect(dead.count == 2, "log: \(supervisor.log().suffix(3000))")
            if dead.count == 2 {
                let cut = dead[0]
                #expect(text(cut.header("x-dlq-error-kind")) == "undecodable")
                #expect(text(cut.header("x-dlq-truncated")) == "value")
                #expect(text(cut.header("x-dlq-value-bytes")) == "1040000")
                #expect(text(cut.header("x-dlq-value-sha256")) == SHA256.hash(malformed).hex)
                #expect(
                    cut.value.count < 1_000_000 && cut.value.count > 990_000,
                    "a prefix of what fits: \(cut.value.count)")
                #expect(Array(malformed.prefix(cut.value.count)) == cut.value, "the prefix of the original value")
                let refused = dead[1]
                #expect(text(refused.header("x-dlq-error-kind")) == "field_too_large")
                #expect(text(refused.header("x-dlq-error")).contains("metadata.user_id is 1030000 bytes"))
            }
            #expect(Set(kafka.createdExecutionIDs()) == Set([1, 2, 3].map(executionID)))
            // Every record, the two refused ones included, is committed: the partition moved on.
            #expect(
                TestSupport.eventually(within: 20) { (try? kafka.committedTotal()) == 5 },
                "log: \(supervisor.log().suffix(3000))")
            #expect(!supervisor.log().contains("MSG_SIZE_TOO_LARGE"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }

        @Test("a record above kafka.max_record_bytes (too_large) is dead-lettered cut to fit and committed")
        func tooLarge() throws {
            let kafka = try KafkaHarness()
            let key = "same-partition"
            let big = create(7) + [UInt8](repeating: UInt8(ascii: " "), count: 1_040_000)
            try kafka.send([(key, big), (key, create(8))])
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.max_record_bytes": "1000000"]))
            kafka.observe(for: 60) { messages in
                messages.count { $0.topic == "pod_events" } >= 1 && messages.count { $0.topic == Self.dlq } >= 1
            }
            let dead = kafka.observed(on: Self.dlq)
            #expect(dead.count == 1)
            #expect(dead.first.map { text($0.header("x-dlq-error-kind")) } == "too_large")
            #expect(dead.first.map { text($0.header("x-dlq-truncated")) } == "value")
            #expect(
                TestSupport.eventually(within: 20) { (try? kafka.committedTotal()) == 2 },
                "log: \(supervisor.log().suffix(3000))")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }

        @Test(
            "an unpublishable event: not ready after the stall bound; SIGTERM exits 1 by the hard deadline, never extended past it"
        )
        func hardStop() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(1..<2)
            // From now on every produce request fails with a retriable error: the command's events can never be
            // delivered (librdkafka retries them until message.timeout.ms, 300 s).
            try kafka.refuseProduceRequests()
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(
                arguments: kafka.supervisorArguments([
                    "kafka.publish_stall_timeout": "1s", "shutdown.drain_timeout": "2s", "shutdown.kill_grace": "1s",
                    "shutdown.final_timeout": "5s",
                ]))
            let port = try #require(HTTPProbe.port(of: supervisor))
            var readiness: HTTPProbe.Response?
            #expect(
                TestSupport.eventually(within: 30) {
                    readiness = HTTPProbe.get(port, "/readyz")
                    return readiness?.status == 503 && readiness?.body.contains("unpublished") == true
                }, "readyz: \(String(describing: readiness)); log: \(supervisor.log().suffix(2000))")
            #expect(supervisor.notify.waitFor(5) { $0.fields["STATUS"]?.contains("unpublished") == true } != nil)
            let metrics = HTTPProbe.get(port, "/metrics")?.body ?? ""
            #expect(metrics.contains("k8s_worker_kafka_oldest_unpublished_seconds"))
            #expect(!metrics.contains("k8s_worker_kafka_oldest_unpublished_seconds 0\n"))

            let hardDeadline = 2.0 + 1.0 + 5.0
            let stoppedAt = TestSupport.monotonicSeconds()
            supervisor.signal(SIGTERM)
            // Datagrams are stamped when read, so read them while waiting.
            var status: Int32?
            while status == nil, TestSupport.monotonicSeconds() - stoppedAt < hardDeadline + 10 {
                supervisor.notify.collect(for: 0.05)
                status = supervisor.waitForExit(within: 0.01)
            }
            let took = TestSupport.monotonicSeconds() - stoppedAt
            #expect(status == 1, "log: \(supervisor.log().suffix(3000))")
            #expect(took < hardDeadline + 1.5, "stopped after \(took) s")
            let extensions = supervisor.notify.received.compactMap { datagram -> Double? in
                guard let value = datagram.fields["EXTEND_TIMEOUT_USEC"].flatMap(Double.init) else { return nil }
                return datagram.receivedAt + value / 1e6
            }
            #expect(!extensions.isEmpty)
            for until in extensions {
                #expect(until <= stoppedAt + hardDeadline + 0.5, "extended to \(until - stoppedAt) s after SIGTERM")
            }
            // Nothing unfinished was committed: the command is redone by the next owner.
            #expect(try kafka.committedTotal() == 0)
            #expect(
                supervisor.log().contains("stop deadline reached") || supervisor.log().contains("records unpublished"))
        }

        @Test("a second SIGTERM while records wait to be published goes to the final commit at once")
        func secondSignalDuringFinalPhase() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(1..<2)
            try kafka.refuseProduceRequests()
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(
                arguments: kafka.supervisorArguments([
                    "shutdown.drain_timeout": "30s", "shutdown.final_timeout": "60s",
                ]))
            #expect(supervisor.notify.waitFor(30) { $0.fields["STATUS"]?.contains("unpublished") == true } != nil)
            supervisor.signal(SIGTERM)
            // Workers finish at once (nothing in flight); the supervisor then waits for the publish.
            #expect(supervisor.notify.waitFor(5) { $0.fields["STOPPING"] == "1" } != nil)
            #expect(TestSupport.eventually(within: 10) { supervisor.workers().isEmpty })
            let second = TestSupport.monotonicSeconds()
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 10) == 1)
            #expect(TestSupport.monotonicSeconds() - second < Double(3 + 1), "the final commit's share is 3 s at most")
        }
    }
}

extension KafkaHarness {
    /// Makes every later produce request fail with a retriable error (`NOT_ENOUGH_REPLICAS`), far more often
    /// than any test produces.
    func refuseProduceRequests() throws {
        try cluster.pushRequestErrors(Array(repeating: .notEnoughReplicas, count: 100_000), for: .produce)
    }
}
