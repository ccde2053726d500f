import Glibc
import KubeAccess
import KubeClient
import KubeconfigLoading
import KubeExecution
import KubeSimulator
import Logging
import SupervisorCore

/// Creates per second through the real supervisor and worker processes with the Kubernetes handler, against
/// the simulator at a given added API latency, next to the latency-bound ideal measured from the same settings.
enum KubeBench {
    struct Row {
        var workers: Int
        var concurrency: Int
        var latencyMilliseconds: Int
        var commands: Int
        var rate: Double
        var p50: Double
        var p99: Double
        var failures: Int
        /// Every in-flight slot busy.
        var ideal: Double? {
            Report.latencyBoundIdeal(slots: workers * concurrency, latencyMilliseconds: latencyMilliseconds)
        }
    }

    static let template =
        #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#

    /// A started simulator with added API latency, and the handler settings that reach it.
    static func simulator(
        latencyMilliseconds: Int, directory: String
    ) throws -> (simulator: APISimulator, settings: KubernetesSettings) {
        var simulatorConfiguration = SimulatorConfiguration(outputDirectory: directory)
        simulatorConfiguration.namespaces = ["integr8scode"]
        simulatorConfiguration.faults = FaultConfiguration(latency: .milliseconds(latencyMilliseconds))
        simulatorConfiguration.eventLoopThreads = 2
        let simulator = try APISimulator(simulatorConfiguration)
        try simulator.start()
        let cluster = KubeClusterSource.kubeconfig(path: simulator.kubeconfigPath, context: nil)
        let settings = KubernetesSettings(
            source: cluster, namespace: "integr8scode", qps: 0, burst: 1000,
            cluster: try KubeClusterConfig.load(cluster))
        return (simulator, settings)
    }

    /// A fresh scratch directory, removed by the caller.
    static func scratchDirectory() -> String {
        var pattern = Array("/tmp/k8s-worker-bench-XXXXXX".utf8CString)
        return pattern.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    static func run(workers: Int, concurrency: Int, latencyMilliseconds: Int, commands: Int) throws -> Row {
        let directory = scratchDirectory()
        defer { _ = system("rm -rf '\(directory)'") }
        let (simulator, kubernetes) = try simulator(latencyMilliseconds: latencyMilliseconds, directory: directory)
        defer { simulator.stop() }

        var configuration = Configuration()
        configuration.metrics.listen = ""  // no endpoint: it would collide with a service on the default port
        configuration.workers.count = workers
        configuration.workers.minReady = workers
        configuration.workers.concurrency = concurrency
        configuration.workers.handler = .kubernetes
        configuration.workers.executable = Benchmark.binDirectory + "/k8s-worker-process"
        configuration.dispatch.maxInFlight = 1024
        configuration.source.path = "bench"
        configuration.log.level = "warning"
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let stamp = UInt64(Benchmark.now() % 1_000_000_000)
        let source = BenchSource(
            total: commands, oneAtATime: false, keys: 1 << 30,
            payloadFor: { index in
                let digits = String(stamp * 100_000 + UInt64(index))
                let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
                return Array(Self.template.replacing("EXEC", with: id).utf8)
            }
        ) { raise(SIGTERM) }
        let loader = ConfigurationLoader(
            path: nil, environment: ["PATH": "/usr/bin:/bin", "K8S_WORKER_LOG_LEVEL": "warning"], overrides: [])
        let supervisor = try Supervisor(
            configuration: configuration, loader: loader, source: source, logger: logger,
            handlerSettings: { _ in kubernetes.json })
        _ = try supervisor.run()
        let stats = Stats(source.latencies)
        let seconds = Double(source.lastFinish - source.firstIssue) / 1e9
        return Row(
            workers: workers, concurrency: concurrency, latencyMilliseconds: latencyMilliseconds,
            commands: source.finished,
            rate: Double(source.finished) / max(seconds, 1e-9), p50: stats.p50 / 1000, p99: stats.p99 / 1000,
            failures: source.unsuccessful.count)
    }

    /// The issue's matrix: 1 and 4 workers at 0 ms and 25 ms.
    static func matrix(quick: Bool) throws -> [Row] {
        var rows: [Row] = []
        for latency in [0, 25] {
            for workers in [1, 4] {
                let commands = quick ? (latency == 0 ? 300 : 200) : (latency == 0 ? 2_000 : 400 * workers)
                rows.append(try run(workers: workers, concurrency: 8, latencyMilliseconds: latency, commands: commands))
            }
        }
        return rows
    }

    static func table(_ rows: [Row]) -> String {
        var lines = [
            "| Kubernetes creates (supervisor → worker processes → simulator over TLS) | creates/s | ideal | p50 ms | p99 ms | failures |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            lines.append(
                "| \(row.workers) worker(s) × \(row.concurrency), \(row.latencyMilliseconds) ms API latency, \(row.commands) creates | \(Int(row.rate)) | \(Report.idealCell(row.ideal)) | \(Report.fixed(row.p50)) | \(Report.fixed(row.p99)) | \(row.failures) |"
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension KubeBench {
    static func json(_ rows: [Row]) -> String {
        "["
            + rows.map { row in
                "{\"workers\":\(row.workers),\"concurrency\":\(row.concurrency),\"api_latency_ms\":\(row.latencyMilliseconds),"
                    + "\"creates\":\(row.commands),\"rate_per_s\":\(Int(row.rate)),"
                    + "\"ideal_per_s\":\(Report.idealJSON(row.ideal)),\"p50_ms\":\(Report.fixed(row.p50)),"
                    + "\"p99_ms\":\(Report.fixed(row.p99)),\"failures\":\(row.failures)}"
            }.joined(separator: ",") + "]"
    }
}
