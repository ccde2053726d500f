import Events
import IPC
import KubeAccess
import KubeClient
import KubeManifests
import Logging
import WorkerCore

/// The production handler: turns saga commands into Kubernetes objects through the worker's own API client.
///
/// Outcomes: `created` (Pod and ConfigMap exist and are this execution's), `deleted`, `failed` with a short
/// reason a user may read (the detail is logged), or `retryLater` when the API stayed unreachable or
/// throttling (or the namespace's quota full) until the command's deadline — a transient fault never fails an
/// execution. Two bounds end that waiting: a create older than `workers.max_command_age` fails and creates
/// nothing (``ExpiredCreation``; a delete still runs), and a Pod create answered 500 `workers.max_create_attempts`
/// times fails (``ExecutionCreation``).
public struct KubernetesHandler: CommandHandler {
    let api: any KubernetesAPI
    let builder: ExecutionManifestBuilder
    let settings: KubernetesSettings
    let logger: Logger
    let metrics: ExecutionMetrics

    /// Time kept back from the command deadline, so the answer reaches the supervisor before it gives up on
    /// the worker.
    static let answerMargin: Duration = .milliseconds(500)
    /// What the handler's client keeps of a response: the fields the handler reads (``ObjectIdentity``).
    public static var responseFields: JSONSelection { ObjectIdentity.fieldsRead }

    /// A handler using `api` (usually a ``KubeClient``). Fails when the settings cannot build manifests (a
    /// forbidden namespace, for one).
    public init(settings: KubernetesSettings, api: any KubernetesAPI, logger: Logger) throws(ManifestError) {
        self.settings = settings
        self.api = api
        self.builder = try settings.manifestBuilder()
        self.logger = logger
        self.metrics = ExecutionMetrics(languages: Set(builder.registry.entries.map(\.language)))
    }

    /// Upstream's pod and ConfigMap counters plus the API client's, for the supervisor's metrics.
    public func statistics() -> WorkerStatistics? {
        var statistics = metrics.snapshot
        if let client = api.clientStatistics {
            statistics.apiRequests = UInt64(client.requests)
            statistics.apiFailures = UInt64(client.failures)
            statistics.apiRetries = client.retries.mapValues { UInt64($0) }
        }
        return statistics
    }

    /// A handler with its own ``KubeClient`` built from `settings`, whose ``KubernetesSettings/cluster`` the
    /// supervisor has resolved.
    public static func make(
        settings: KubernetesSettings, logger: Logger
    ) throws(KubernetesStartupError) -> KubernetesHandler {
        guard let cluster = settings.cluster else {
            throw KubernetesStartupError.settings(
                KubernetesSettingsError("the supervisor sent no resolved cluster configuration"))
        }
        // The supervisor's page, so that all its workers share one limit; a worker that cannot map it refuses to
        // start rather than run with a limit of its own (N workers would then be allowed N times the ceiling).
        var limiter: RateLimiter? = nil
        if let descriptor = settings.rateLimitDescriptor {
            do { limiter = try RateLimiter.shared(descriptor: descriptor) } catch {
                throw KubernetesStartupError.rateLimit(error.description)
            }
        }
        var clientSettings = settings.clientSettings
        clientSettings.responseSelection = Self.responseFields
        let client: KubeClient
        do {
            client = try KubeClient.logging(to: logger, config: cluster, settings: clientSettings, limiter: limiter)
        } catch {
            throw KubernetesStartupError.client(error)
        }
        do { return try KubernetesHandler(settings: settings, api: client, logger: logger) } catch {
            throw KubernetesStartupError.manifests(error)
        }
    }

    public func handle(_ command: DispatchedCommand) -> CommandOutcome {
        let budget = Duration.milliseconds(Int(command.deadlineMilliseconds))
        let deadline = KubeDeadline.after(budget > Self.answerMargin * 2 ? budget - Self.answerMargin : budget / 2)
        var logger = logger
        // Where it came from (execution id, topic, partition, offset), as the supervisor named it.
        for (name, value) in command.logContext { logger[metadataKey: name] = "\(value)" }
        logger[metadataKey: "command.id"] = "\(command.id)"
        logger[metadataKey: "attempt"] = "\(command.attempt)"
        let inbound: InboundCommand
        do {
            // The supervisor's triage has already accepted this record under its own size limit (up to the IPC
            // frame size) and its clock; decode it as leniently, or a valid command could fail here. The
            // timestamp is not used by the objects, so a missing one may read as the epoch.
            inbound = try InboundCommand.decode(
                command.payload,
                options: DecodingOptions(
                    maxInputBytes: max(command.payload.count, DecodingOptions.defaultMaxInputBytes), now: { .epoch }))
        } catch {
            // The supervisor dead-letters undecodable records before dispatch; this is a defence only.
            logger.error("command payload is not a saga command", metadata: ["error": "\(error)"])
            return .failed(reason: "The command could not be read")
        }
        switch inbound {
        case .create(let create):
            logger[metadataKey: "execution.id"] = "\(create.executionID)"
            let prepared: PreparedExecution
            do {
                prepared = try builder.prepare(create)
            } catch {
                logger.notice("command refused", metadata: ["reason": "\(error.reason)"])
                if error.code == .aboveMaximum, let field = error.field {
                    metrics.resourceLimitExceeded(action: "refused", field: field.rawValue)
                }
                metrics.creationRefused(language: create.language)
                return .failed(reason: "Failed to create pod: \(error.reason)")
            }
            for adjustment in prepared.adjustments {
                if adjustment.kind == .clampedToMaximum {
                    logger.notice("resources clamped to the maximum", metadata: ["adjustment": "\(adjustment)"])
                    metrics.resourceLimitExceeded(action: "clamped", field: adjustment.field.rawValue)
                } else {
                    logger.info("resources adjusted", metadata: ["adjustment": "\(adjustment)"])
                }
            }
            // Too old to be carried out (`workers.max_command_age`): checked before anything is sent, and again
            // when the create ends in a retry-later (API outages and full quotas are waited out in here).
            let expiry = CommandExpiry(expiresAtMilliseconds: command.expiresAtMilliseconds)
            if expiry.hasPassed {
                let outcome = ExpiredCreation(api: api, prepared: prepared, deadline: deadline, logger: logger)
                    .run(leftoverPossible: command.attempt > 1)
                if case .failed = outcome {
                    metrics.givenUp(cause: "expired")
                    metrics.creationRefused(language: create.language)
                }
                return outcome
            }
            metrics.creationStarted()
            let started = ContinuousClock.now
            let watched = DeadlineWatchingAPI(api)
            var creation = ExecutionCreation(
                api: watched, prepared: prepared, deadline: expiry.capping(deadline), logger: logger, metrics: metrics,
                attempts: CreateAttempts(used: command.createAttempts, limit: command.maxCreateAttempts))
            var outcome = creation.run()
            let expiryEndedRetries = expiry.caps(deadline) && watched.sawDeadlineEnd
            if case .retryLater = outcome, expiryEndedRetries || expiry.passes(within: Self.answerMargin * 2) {
                // Expired, or about to: the client stopped retrying because its next wait would end after the
                // expiry, or the expiry is too close for a re-dispatch. No retry could come in time. This run may
                // have created the Pod before it stalled: remove it along with the command. (Otherwise the
                // supervisor re-dispatches no later than the expiry.)
                outcome = ExpiredCreation(api: api, prepared: prepared, deadline: deadline, logger: logger)
                    .run(leftoverPossible: true)
                if case .failed = outcome { metrics.givenUp(cause: "expired") }
            }
            let elapsed = (ContinuousClock.now - started).components
            metrics.creationEnded(
                language: create.language, outcome: outcome,
                seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
            return outcome
        case .delete(let delete):
            logger[metadataKey: "execution.id"] = "\(delete.executionID)"
            let deletion: PodDeletion
            do {
                deletion = try PodDeletion(command: delete, settings: settings.manifestSettings)
            } catch {
                logger.notice("delete refused", metadata: ["reason": "\(error.reason)"])
                return .failed(reason: "Failed to delete pod: \(error.reason)")
            }
            return ExecutionDeletion(
                api: api, deletion: deletion, configMapName: ConfigMapManifest.name(executionID: delete.executionID),
                executionLabel: delete.executionID, deadline: deadline, logger: logger
            ).run()
        }
    }
}

/// Why a worker's Kubernetes handler could not start.
public enum KubernetesStartupError: Error, Sendable, CustomStringConvertible {
    case settings(KubernetesSettingsError)
    case client(KubeAPIError)
    case manifests(ManifestError)
    /// The shared rate-limit page on the descriptor the settings name is unusable.
    case rateLimit(String)

    public var description: String {
        switch self {
        case .settings(let error): "kubernetes settings: \(error)"
        case .client(let error): "kubernetes client: \(error)"
        case .manifests(let error): "kubernetes manifests: \(error)"
        case .rateLimit(let problem): "kubernetes rate limit: \(problem)"
        }
    }
}
