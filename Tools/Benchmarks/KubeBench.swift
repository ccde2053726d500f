import Glibc
import KubeAccess
import KubeClient
import KubeconfigLoading
import KubeExecution
import KubeSimulator
import Logging
import SupervisorCore

/// Creates per second through the real supervisor and worker processes with the Kubernetes handler, against
/// the simulator at a given added API latency, next to the latency-bound ideal measured from the same settings;
/// each over HTTP/1.1 straight to the simulator and over HTTP/2 through nghttpx (``HTTP2Proxy``) in front of it.
enum KubeBench {
    /// How the workers reach the simulator.
    enum Transport: String, CaseIterable {
        /// Straight to the simulator, which speaks HTTP/1.1 only.
        case http11 = "HTTP/1.1"
        /// Through nghttpx: HTTP/2 from the workers to the proxy, HTTP/1.1 from the proxy to the simulator.
        case http2 = "HTTP/2 via nghttpx"
    }

    struct Row {
        var transport: Transport
        var workers: Int
        var concurrency: Int
        var latencyMilliseconds: Int
        var commands: Int
        var rate: Double
        var p50: Double
        var p99: Double
        var failures: Int
        /// CPU time of the worker processes per create (user + system, ms).
        var workerCPUPerCreate: Double
        /// CPU time of nghttpx per create (ms); 0 without it.
        var proxyCPUPerCreate: Double
        /// Client connections to the API endpoint (the simulator's accepted connections, or nghttpx's distinct
        /// client ports).
        var connections: Int
        /// The shared API rate limit at the end (``Limit/shipped`` only).
        var rateLimit: RateLimitSnapshot? = nil
        /// Requests the simulator answered 429 (its APF model).
        var serverRejections = 0
        /// Every in-flight slot busy.
        var ideal: Double? {
            Report.latencyBoundIdeal(slots: workers * concurrency, latencyMilliseconds: latencyMilliseconds)
        }
    }

    static let template =
        #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#

    static let commandTemplate = CommandTemplate(template, executionID: "EXEC")

    /// The workers' API rate limit in a run.
    enum Limit {
        /// None (`kubernetes.qps: 0`): what the matrix measures.
        case unlimited
        /// The shipped configuration: one adaptive page for all the workers, with `Configuration()`'s ceiling and
        /// burst, inherited as `k8s-worker run` passes it.
        case shipped
    }

    /// A started simulator with added API latency (and API Priority and Fairness at `apfRate` requests per
    /// second when given), and the handler settings that reach it.
    static func simulator(
        latencyMilliseconds: Int, directory: String, transport: Transport = .http11, apfRate: Double? = nil
    ) throws -> (simulator: APISimulator, proxy: HTTP2Proxy?, settings: KubernetesSettings) {
        var simulatorConfiguration = SimulatorConfiguration(outputDirectory: directory)
        simulatorConfiguration.namespaces = ["integr8scode"]
        simulatorConfiguration.faults = FaultConfiguration(latency: .milliseconds(latencyMilliseconds))
        if let apfRate {
            simulatorConfiguration.faults.apfRate = apfRate
            // Shorter than the workers' 32 slots, or the queue absorbs them all and nothing is ever rejected
            // (kube-apiserver's default `queueLengthLimit` is 50, but a flow is spread over several queues).
            simulatorConfiguration.faults.apfQueue = 16
        }
        simulatorConfiguration.eventLoopThreads = 2
        let simulator = try APISimulator(simulatorConfiguration)
        try simulator.start()
        let proxy = transport == .http2 ? try HTTP2Proxy(simulator: simulator) : nil
        let kubeconfig = proxy?.kubeconfigPath ?? simulator.kubeconfigPath
        let cluster = KubeClusterSource.kubeconfig(path: kubeconfig, context: nil)
        let settings = KubernetesSettings(
            source: cluster, namespace: "integr8scode", qps: 0, burst: 1000,
            cluster: try KubeClusterConfig.load(cluster))
        return (simulator, proxy, settings)
    }

    /// A fresh scratch directory, removed by the caller.
    static func scratchDirectory() -> String {
        var pattern = Array("/tmp/k8s-worker-bench-XXXXXX".utf8CString)
        return pattern.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// CPU time (user + system, seconds) of this process's waited-for children, grandchildren included.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// - Parameter workerExecutable: another program to start as the worker (a wrapper running it under
    ///   valgrind); the supervisor then waits as long as a slowed-down worker needs.
    static func run(
        workers: Int, concurrency: Int, latencyMilliseconds: Int, commands: Int, transport: Transport = .http11,
        limit: Limit = .unlimited, apfRate: Double? = nil, workerExecutable: String? = nil
    ) throws -> Row {
        let directory = scratchDirectory()
        defer { _ = system("rm -rf '\(directory)'") }
        let (simulator, proxy, settings) = try simulator(
            latencyMilliseconds: latencyMilliseconds, directory: directory, transport: transport, apfRate: apfRate)
        var kubernetes = settings
        defer { simulator.stop() }
        defer { proxy?.stop() }
        let childrenBefore = childrenCPUSeconds()
        let proxyBefore = proxy?.cpuSeconds() ?? 0

        var configuration = Configuration()
        configuration.metrics.listen = ""  // no endpoint: it would collide with a service on the default port
        configuration.workers.count = workers
        configuration.workers.minReady = workers
        configuration.workers.concurrency = concurrency
        configuration.workers.handler = .kubernetes
        configuration.workers.executable = workerExecutable ?? Benchmark.binDirectory + "/k8s-worker-process"
        if workerExecutable != nil {
            configuration.workers.handshakeTimeout = .seconds(120)
            configuration.workers.heartbeatTimeout = .seconds(60)
            configuration.shutdown.killGrace = .seconds(60)
        }
        configuration.dispatch.maxInFlight = 1024
        configuration.source.path = "bench"
        configuration.log.level = "warning"
        var rateLimiter: RateLimiter? = nil
        if limit == .shipped {
            let shipped = Configuration().kubernetes
            let shared = try RateLimiter.sharable(mode: .adaptive, qps: Double(shipped.qps), burst: shipped.burst)
            rateLimiter = shared
            kubernetes.rateLimit = .adaptive
            kubernetes.qps = Double(shipped.qps)
            kubernetes.burst = shipped.burst
            kubernetes.rateLimitDescriptor = KubernetesSettings.sharedRateLimitDescriptor
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let stamp = UInt64(Benchmark.now() % 1_000_000_000)
        let source = BenchSource(
            total: commands, oneAtATime: false, keys: 1 << 30,
            payloadFor: { index in
                let digits = String(stamp * 100_000 + UInt64(index))
                let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
                return Self.commandTemplate.command(executionID: id)
            }
        ) { raise(SIGTERM) }
        let loader = ConfigurationLoader(
            path: nil, environment: ["PATH": "/usr/bin:/bin", "K8S_WORKER_LOG_LEVEL": "warning"], overrides: [])
        let welcome = kubernetes.json
        let supervisor = try Supervisor(
            configuration: configuration, loader: loader, source: source, logger: logger,
            handlerSettings: { _ in welcome }, workerDescriptors: rateLimiter?.descriptor.map { [$0] } ?? [])
        _ = try supervisor.run()
        // The supervisor has reaped its workers; nghttpx is still running (its master does not wait for its worker
        // process on SIGTERM, so it is read from /proc rather than from the reaped children).
        let workerCPU = childrenCPUSeconds() - childrenBefore
        var connections = simulator.counters.connectionsAccepted
        var proxyCPU = 0.0
        if let proxy {
            connections = Set(proxy.accessLog().map(\.clientPort)).count
            proxyCPU = proxy.cpuSeconds() - proxyBefore
        }
        let stats = Stats(source.latencies)
        let seconds = Double(source.lastFinish - source.firstIssue) / 1e9
        let perCreate = 1000 / Double(max(1, source.finished))
        return Row(
            transport: transport, workers: workers, concurrency: concurrency, latencyMilliseconds: latencyMilliseconds,
            commands: source.finished,
            rate: Double(source.finished) / max(seconds, 1e-9), p50: stats.p50 / 1000, p99: stats.p99 / 1000,
            failures: source.unsuccessful.count, workerCPUPerCreate: workerCPU * perCreate,
            proxyCPUPerCreate: proxyCPU * perCreate, connections: connections, rateLimit: rateLimiter?.snapshot,
            serverRejections: simulator.counters.faults["429"] ?? 0)
    }

    /// The issue's matrix: 1 and 4 workers at 0 ms and 25 ms, each over HTTP/1.1 and HTTP/2 side by side.
    static func matrix(quick: Bool) throws -> [Row] {
        var rows: [Row] = []
        for latency in [0, 25] {
            for workers in [1, 4] {
                let commands = quick ? (latency == 0 ? 300 : 200) : (latency == 0 ? 2_000 : 400 * workers)
                for transport in Transport.allCases {
                    rows.append(
                        try run(
                            workers: workers, concurrency: 8, latencyMilliseconds: latency, commands: commands,
                            transport: transport))
                }
            }
        }
        return rows
    }

    static func table(_ rows: [Row]) -> String {
        var lines = [
            "| Kubernetes creates (supervisor → worker processes → simulator over TLS) | transport | creates/s | ideal | p50 ms | p99 ms | failures | worker CPU ms/create | nghttpx CPU ms/create | client connections |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            let proxyCPU = row.transport == .http2 ? Report.fixed(row.proxyCPUPerCreate) : "–"
            lines.append(
                "| \(row.workers) worker(s) × \(row.concurrency), \(row.latencyMilliseconds) ms API latency, \(row.commands) creates | \(row.transport.rawValue) | \(Int(row.rate)) | \(Report.idealCell(row.ideal)) | \(Report.fixed(row.p50)) | \(Report.fixed(row.p99)) | \(row.failures) | \(Report.fixed(row.workerCPUPerCreate)) | \(proxyCPU) | \(row.connections) |"
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension KubeBench {
    static func json(_ rows: [Row]) -> String {
        "["
            + rows.map { row in
                "{\"transport\":\"\(row.transport.rawValue)\",\"workers\":\(row.workers),\"concurrency\":\(row.concurrency),\"api_latency_ms\":\(row.latencyMilliseconds),"
                    + "\"creates\":\(row.commands),\"rate_per_s\":\(Int(row.rate)),"
                    + "\"ideal_per_s\":\(Report.idealJSON(row.ideal)),\"p50_ms\":\(Report.fixed(row.p50)),"
                    + "\"p99_ms\":\(Report.fixed(row.p99)),\"failures\":\(row.failures),"
                    + "\"worker_cpu_ms_per_create\":\(Report.fixed(row.workerCPUPerCreate)),"
                    + "\"nghttpx_cpu_ms_per_create\":\(Report.fixed(row.proxyCPUPerCreate)),"
                    + "\"connections\":\(row.connections)}"
            }.joined(separator: ",") + "]"
    }
}
