import ArgumentParser
import Diagnostics
import Glibc
import KafkaIngest
import KubePreflight
import Logging
import SupervisorCore

/// `k8s-worker run`: the service.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the supervisor and its worker pool (the default).")

    @OptionGroup var options: ConfigurationOptions

    func run() throws {
        // A reload asked for while the supervisor is still starting (the Kubernetes preflight makes API calls) must
        // not end it, which is SIGHUP's default action: it stays pending until the supervisor's handler is installed
        // (SignalPipe unblocks it) and is then handled like any other. SIGTERM and SIGINT keep stopping it at once.
        var hangup = sigset_t()
        sigemptyset(&hangup)
        sigaddset(&hangup, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &hangup, nil)
        // Before the configuration (and with it the SASL password) is read.
        let coreDumpProblems = CoreDumps.disable()
        let loader = ConfigurationLoader(
            path: options.config, environment: ConfigurationLoader.processEnvironment(), overrides: try options.pairs())
        // Exits 78 on any refusal, librdkafka's included, exactly as `check-config` does.
        let checked = try ConfigurationCheck(loader, command: "k8s-worker")
        let configuration = checked.configuration
        let level = LogLevelName.parse(configuration.log.level) ?? .info
        let format = LogOutput.detect(format: .named(configuration.log.format.rawValue), identifier: "k8s-worker")
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, level: level, format: format) }
        var logger = Logger(label: "k8s-worker")
        logger.logLevel = level
        for problem in coreDumpProblems { logger.error("SECURITY: core dumps stay possible: \(problem)") }
        logger.info("k8s-worker starting", metadata: VersionReport.metadata)
        let source: any CommandSource
        if let kafka = checked.kafka {
            source = KafkaCommandSource(settings: kafka)
        } else {
            source = LineFileSource(
                path: configuration.source.path, offsetFile: configuration.source.offsetFile,
                journal: configuration.source.journal, commitInterval: configuration.source.commitInterval,
                stopAtEnd: configuration.source.stopAtEnd)
        }
        // Computed per worker start from the configuration then in force, so a reload that changes the
        // `kubernetes` section reaches the workers started after it.
        let kubernetes = configuration.workers.handler == .kubernetes
        let handlerSettings = WorkerSettings(logger: logger, sharingRateLimit: kubernetes)
        var companions: [any SupervisorCompanion] = []
        var workerDescriptors: [Int32] = []
        if kubernetes {
            do {
                _ = try KubernetesWiring.preflight(configuration, logger: logger)
                // One API rate limit for all the workers, on a page each inherits.
                let rateLimit = try SharedRateLimit(configuration)
                companions.append(rateLimit)
                workerDescriptors.append(rateLimit.descriptor)
                // Always there, idle while kubernetes.pre_pull_images is false (a reload may turn it on).
                let prePuller = try KubernetesWiring.prePuller(configuration, logger: logger, rateLimit: rateLimit)
                try prePuller.start()
                companions.append(prePuller)
            } catch {
                logger.critical("kubernetes is not usable; not starting", metadata: ["error": "\(error)"])
                throw ExitCode(78)
            }
        }
        do {
            let supervisor = try Supervisor(
                configuration: configuration, loader: loader, source: source, logger: logger,
                handlerSettings: handlerSettings.callAsFunction,
                version: K8sWorkerCommand.version, companions: companions, workerDescriptors: workerDescriptors)
            throw ExitCode(try supervisor.run())
        } catch let error as SupervisorError {
            logger.critical("supervisor failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
