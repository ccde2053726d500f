import ArgumentParser
import Demo
import Diagnostics
import Events
import Glibc
import KafkaIngest
import KubePreflight
import Logging
import SupervisorCore

/// `k8s-worker-demo`, which `k8s-worker demo` execs: the real supervisor and worker processes against an
/// embedded Kafka mock cluster and Kubernetes API simulator, fed a stream of sample commands, with a pass/fail
/// summary. A binary of its own so that the service's `k8s-worker` links no test double (README, "Layout").
/// The supervisor runs in this process; its workers are the `k8s-worker-process` beside this binary.
@main
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Usage and errors read as before the split, since users type `k8s-worker demo`.
        commandName: "k8s-worker demo",
        abstract: "Run the real supervisor and workers on an embedded Kafka mock cluster and Kubernetes API simulator.",
        discussion: """
            Produces sample commands (every runtime of the registry, a few deletes, one create naming an image \
            outside the registry, one record that is not JSON), waits for every event, prints a summary and exits \
            0 only if every expectation held (1 otherwise, listing them). Needs no Kafka or cluster.
            """)

    @Option(help: "Records to produce (at least 4).")
    var commands = 60

    @Option(help: "Worker processes.")
    var workers = 2

    @Option(
        name: .customLong("api-latency-ms"), help: "Latency the simulator adds to every API request, in milliseconds.")
    var apiLatencyMilliseconds = 0

    @Option(help: "Seconds to wait for every expected event.")
    var timeout = 120

    @Flag(
        help:
            "After the summary, keep everything up (kubeconfig and bootstrap servers are printed) until SIGINT/SIGTERM."
    )
    var keepRunning = false

    @Flag(help: "No progress line.")
    var quiet = false

    @Option(name: .customLong("api-token"), help: "Bearer token of the simulator's kubeconfig (random by default).")
    var apiToken: String?

    @Option(help: "Log level of supervisor and workers (trace … critical).")
    var logLevel = "warning"

    func validate() throws {
        guard commands >= 4 else { throw ValidationError("--commands must be at least 4") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64") }
        guard (0...60_000).contains(apiLatencyMilliseconds) else {
            throw ValidationError("--api-latency-ms must be between 0 and 60000")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard LogLevelName.parse(logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace … critical")
        }
    }

    func run() throws {
        let level = LogLevelName.parse(logLevel) ?? .warning
        let format = LogOutput.detect(format: .named("auto"), identifier: "k8s-worker")
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, level: level, format: format) }
        var logger = Logger(label: "k8s-worker")
        logger.logLevel = level

        let environment: DemoEnvironment
        do {
            environment = try DemoEnvironment(apiLatency: .milliseconds(apiLatencyMilliseconds), token: apiToken)
        } catch {
            printError("k8s-worker demo: \(error)")
            throw ExitCode(1)
        }
        defer { environment.shutdown() }

        // The same path as `run`: a loader (so a SIGHUP reloads the same settings), the preflight, the wiring.
        let loader = ConfigurationLoader(
            path: nil, environment: ConfigurationLoader.processEnvironment(), overrides: settings(environment))
        let configuration: Configuration
        do {
            configuration = try loader.load()
        } catch {
            printError("k8s-worker demo: invalid configuration: \(error)")
            throw ExitCode(78)
        }
        do {
            _ = try KubernetesWiring.preflight(configuration, logger: logger)
        } catch {
            printError("k8s-worker demo: kubernetes is not usable: \(error)")
            throw ExitCode(78)
        }
        let source: KafkaCommandSource
        do {
            source = KafkaCommandSource(settings: try KafkaSourceSettings(configuration))
        } catch {
            printError("k8s-worker demo: invalid configuration: \(error)")
            throw ExitCode(78)
        }

        let now = Timestamp(secondsSinceEpoch: Int64(time(nil))) ?? .epoch
        let plan = DemoPlan(commands: commands, run: UInt32.random(in: .min ... .max), now: now)
        var observerSettings = DemoObserver.Settings(bootstrapServers: environment.cluster.bootstrapServers)
        observerSettings.namespace = DemoEnvironment.namespace
        observerSettings.timeout = .seconds(timeout)
        observerSettings.showProgress = !quiet && isatty(2) == 1
        let keepRunning = keepRunning
        let run = runDescription
        let banner = keepRunningBanner(environment)
        let observer = DemoObserver(settings: observerSettings, plan: plan, simulator: environment.simulator) {
            outcome in
            if keepRunning {
                DemoOutput.write(to: 1, DemoSummary(plan: plan, tally: outcome.tally, run: run(outcome)).text + banner)
            } else {
                raise(SIGTERM)  // the supervisor drains and returns from run()
            }
        }

        let exitCode: Int32
        do {
            // As `k8s-worker run` does: one API rate limit for all the workers, shown in STATUS and /metrics.
            let rateLimit = try SharedRateLimit(configuration)
            let supervisor = try Supervisor(
                configuration: configuration, loader: loader, source: source, logger: logger,
                handlerSettings: WorkerSettings(logger: logger, sharingRateLimit: true).callAsFunction,
                companions: [rateLimit], workerDescriptors: [rateLimit.descriptor])
            supervisor.onMetricsListening = { address in DemoOutput.write(to: 1, "metrics: http://\(address)/metrics\n")
            }
            try observer.start()
            exitCode = try supervisor.run()
        } catch {
            observer.stop()
            printError("k8s-worker demo: the supervisor failed: \(error)")
            throw ExitCode(1)
        }
        observer.stop()
        let outcome = observer.outcome
        var problems = exitCode == 0 ? [] : ["the supervisor exited with code \(exitCode)"]
        // The worker runs as the k8s-worker service account under deploy/kubernetes/rbac.yaml: any 403 means the
        // shipped file lacks a permission the worker needs.
        let denials = environment.simulator.authorizationDenials()
        if !denials.isEmpty {
            problems.append(
                "rbac.yaml lacks permissions the worker used: "
                    + denials.prefix(5).map(\.description).joined(separator: "; "))
        }
        let summary = DemoSummary(plan: plan, tally: outcome.tally, run: run(outcome), extraProblems: problems)
        // With --keep-running the observer printed it already, unless interrupted before.
        if !keepRunning || outcome.ending == .stopped { DemoOutput.write(to: 1, summary.text) }
        if !summary.succeeded { throw ExitCode(1) }
    }

    /// The configuration, as `--set` pairs.
    private func settings(_ environment: DemoEnvironment) -> [(key: String, value: String)] {
        [
            ("source.kind", "kafka"),
            ("kafka.bootstrap_servers", environment.bootstrap),
            ("kafka.commit_interval", "200ms"),
            // The mock broker answers a fetch only when fetch.wait.max.ms expires; the default adds 500 ms per hop.
            ("kafka.properties", "fetch.wait.max.ms=10"),
            // Any free port: a running service or another demo may hold the default 9464.
            ("metrics.listen", "127.0.0.1:0"),
            ("workers.count", String(workers)),
            ("workers.handler", "kubernetes"),
            ("kubernetes.source", "kubeconfig"),
            ("kubernetes.kubeconfig", environment.kubeconfigPath),
            ("kubernetes.namespace", DemoEnvironment.namespace),
            ("log.level", logLevel),
        ]
    }

    private var runDescription: @Sendable (DemoObserver.Outcome) -> DemoSummary.Run {
        let workers = workers
        let latency = apiLatencyMilliseconds
        return { outcome in
            DemoSummary.Run(
                workers: workers, apiLatencyMilliseconds: latency, elapsedSeconds: outcome.elapsedSeconds,
                timedOut: outcome.ending == .timedOut)
        }
    }

    private func keepRunningBanner(_ environment: DemoEnvironment) -> String {
        """

        Still running (Ctrl-C or SIGTERM to stop):
          kubectl --kubeconfig \(environment.kubeconfigPath) --context client-cert -n \(DemoEnvironment.namespace) get pods
          kcat -b \(environment.bootstrap) -C -t pod_events -e
          bootstrap servers: \(environment.bootstrap)

        """
    }
}
