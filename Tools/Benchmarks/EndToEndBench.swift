import Glibc
import KafkaClient
import SupervisorCore

/// The whole path: create commands in the mock Kafka cluster → the supervisor → worker processes with the
/// Kubernetes handler → the simulator over TLS → `pod_created` and `execution_started` acknowledged by the
/// broker. Each row is a fresh cluster and simulator; kcat reads the same backlog first, as the Kafka baseline,
/// and the latency-bound ideal is computed from the same settings.
enum EndToEndBench {
    struct Row {
        var workers: Int
        var latencyMilliseconds: Int
        var commands: Int
        var rate: Double
        var kcatRate: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var samples: Int
        /// Every in-flight slot (workers × 8) busy.
        var ideal: Double? { Report.latencyBoundIdeal(slots: workers * 8, latencyMilliseconds: latencyMilliseconds) }
    }

    static func run(workers: Int, latencyMilliseconds: Int, commands: Int, latencySamples: Int) throws -> Row {
        let directory = KubeBench.scratchDirectory()
        defer { _ = system("rm -rf '\(directory)'") }
        let (simulator, _, kubernetes) = try KubeBench.simulator(
            latencyMilliseconds: latencyMilliseconds, directory: directory)
        defer { simulator.stop() }
        let cluster = try KafkaMockCluster(brokers: 1)
        for topic in ["saga_commands", "pod_events", "execution_events", "saga_commands.dlq"] {
            try cluster.createTopic(topic, partitions: topic == "saga_commands" ? 6 : 3)
        }
        let bootstrap = cluster.bootstrapServers.joined(separator: ",")
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
        try KafkaBench.produce(producer, range: 0..<commands)
        let kcatRate = try KafkaBench.kcat(bootstrap: bootstrap, expected: commands)

        // Throughput: the backlog, from the first record consumed to the last command whose events the broker
        // acknowledged.
        let counting = Observer(bootstrap: cluster.bootstrapServers, producer: producer, backlog: commands, samples: 0)
        counting.start()
        let source = try KafkaBench.runSupervisor(
            bootstrap: bootstrap, fastFetch: false, workers: workers, kubernetes: kubernetes)
        counting.join()
        let elapsed = (source.lastSettledAt ?? .now()).since(source.firstConsumedAt ?? .now()).seconds
        let rate = Double(source.settled) / max(elapsed, 1e-9)

        // Latency at low load: one command at a time, produce → pod_created delivered to a consumer.
        let timing = Observer(
            bootstrap: cluster.bootstrapServers, producer: producer, backlog: 0, samples: latencySamples)
        timing.start()
        _ = try KafkaBench.runSupervisor(
            bootstrap: bootstrap, fastFetch: true, workers: workers, kubernetes: kubernetes)
        timing.join()
        let stats = Stats(timing.latencies)
        let created = simulator.objects(namespace: "integr8scode", kind: "Pod").count
        guard created >= commands else { throw SupervisorError("only \(created) pods for \(commands) commands") }
        return Row(
            workers: workers, latencyMilliseconds: latencyMilliseconds, commands: source.settled, rate: rate,
            kcatRate: kcatRate, p50Milliseconds: stats.p50 / 1000, p99Milliseconds: stats.p99 / 1000,
            samples: timing.latencies.count)
    }

    /// The matrix: 1, 2, 4 and 8 workers at 0 ms and 25 ms of added API latency.
    static func matrix(quick: Bool) throws -> [Row] {
        var rows: [Row] = []
        for latency in [0, 25] {
            for workers in [1, 2, 4, 8] {
                let commands = quick ? 300 : (latency == 0 ? 3_000 : min(3_000, 300 * workers))
                let row = try run(
                    workers: workers, latencyMilliseconds: latency, commands: commands, latencySamples: quick ? 20 : 60)
                let progress =
                    "end to end: \(workers) worker(s), \(latency) ms: \(Int(row.rate)) commands/s, p99 \(Report.fixed(row.p99Milliseconds)) ms\n"
                _ = progress.withCString { write(2, $0, strlen($0)) }
                rows.append(row)
            }
        }
        return rows
    }

    static func table(_ rows: [Row]) -> String {
        var lines = [
            "| End to end: mock Kafka → supervisor → N workers × 8 → simulator (TLS) → 2 events acknowledged | commands/s | ideal | kcat records/s | p50 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            lines.append(
                "| \(row.workers) worker(s), \(row.latencyMilliseconds) ms API latency, \(row.commands) commands; latency from \(row.samples) single commands | \(Int(row.rate)) | \(Report.idealCell(row.ideal)) | \(Int(row.kcatRate)) | \(Report.fixed(row.p50Milliseconds)) | \(Report.fixed(row.p99Milliseconds)) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ rows: [Row]) -> String {
        "["
            + rows.map { row in
                "{\"workers\":\(row.workers),\"api_latency_ms\":\(row.latencyMilliseconds),\"commands\":\(row.commands),"
                    + "\"rate_per_s\":\(Int(row.rate)),\"ideal_per_s\":\(Report.idealJSON(row.ideal)),"
                    + "\"kcat_records_per_s\":\(Int(row.kcatRate)),\"p50_ms\":\(Report.fixed(row.p50Milliseconds)),"
                    + "\"p99_ms\":\(Report.fixed(row.p99Milliseconds)),\"latency_samples\":\(row.samples)}"
            }.joined(separator: ",") + "]"
    }
}
