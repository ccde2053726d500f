import Events
import Platform

/// Turns parsed HTTP requests into responses: authentication, fault injection, routing, the object store, and
/// the request log. Called from the event-loop threads.
///
/// Thread-safe: every piece of mutable state sits behind its own lock (store, faults, log); a request takes
/// them one at a time and never nests them, so there is no lock order to get wrong.
final class RequestProcessor: Sendable {
    /// A request that has been authenticated and had its fault decided, waiting (possibly for injected latency)
    /// to run.
    struct Pending: Sendable {
        var request: HTTPRequest
        var route: Route
        var identity: Identity?
        var decision: FaultDecision
        var arrivedWallMicroseconds: Int64
        var arrivedMonotonic: UInt64
        /// A response decided up front (401, 403), if any.
        var immediate: HTTPResponse?
    }

    /// What to do with the connection.
    enum Outcome: Sendable {
        case respond(HTTPResponse)
        case drop
        /// Send the head and half the body of the response, then close.
        case truncate(HTTPResponse)
    }

    let store: Locked<ObjectStore>
    let faults: Locked<FaultInjector>
    let log: Locked<RequestLog>
    let authenticator: Authenticator
    let authorization: Locked<AuthorizationRecorder>
    let stats = ConnectionStats()
    let limits: SimulatorConfiguration.Limits
    let kubernetesMinor: Int
    let serverAddress: String

    init(configuration: SimulatorConfiguration, authenticator: Authenticator, serverAddress: String) {
        store = Locked(
            ObjectStore(
                settings: StoreSettings(
                    kubernetesMinor: configuration.kubernetesMinorVersion,
                    phaseProgression: configuration.phaseProgression,
                    maxGracefulDeletion: configuration.maxGracefulDeletion, kueue: configuration.kueue,
                    unpullableImages: configuration.unpullableImages,
                    garbageCollectionDelay: configuration.garbageCollectionDelay)))
        faults = Locked(FaultInjector(configuration.faults))
        log = Locked(RequestLog(capacity: configuration.requestLogCapacity))
        self.authenticator = authenticator
        authorization = Locked(AuthorizationRecorder(configuration.authorization))
        limits = configuration.limits
        kubernetesMinor = configuration.kubernetesMinorVersion
        self.serverAddress = serverAddress
    }

    /// Authenticates and decides faults and latency; nothing is executed yet.
    func begin(_ request: HTTPRequest, peer: (commonName: String, organizations: [String])?) -> Pending {
        let route = Route(
            method: request.method, path: request.path, query: request.query, mediaType: request.mediaType)
        var pending = Pending(
            request: request, route: route, identity: nil,
            decision: FaultDecision(delayNanoseconds: 0, fault: nil, retryAfterSeconds: 0),
            arrivedWallMicroseconds: SimulatorClock.wallMicroseconds(),
            arrivedMonotonic: SimulatorClock.monotonicNanoseconds())
        let identity = authenticator.authenticate(authorization: request.header("authorization"), peer: peer)
        switch route.target {
        case .health:
            pending.identity = identity ?? .anonymous
            return pending
        case .version:
            pending.identity = identity ?? .anonymous
        case .control:
            pending.identity = identity
            guard let identity else {
                pending.immediate = APIStatus.unauthorized().response
                return pending
            }
            if !identity.isAdmin {
                pending.immediate =
                    APIStatus(
                        code: 403, reason: "Forbidden",
                        message:
                            "forbidden: User \"\(identity.user)\" cannot use the simulator control endpoint (admin token required)"
                    ).response
            }
            return pending
        default:
            guard let identity else {
                pending.immediate = APIStatus.unauthorized().response
                return pending
            }
            pending.identity = identity
            if let denial = authorize(route, request, identity) {
                pending.immediate = denial
                return pending
            }
        }
        pending.decision = faults.withLock {
            $0.decide(verb: route.verb, resource: route.resourceName, now: pending.arrivedMonotonic)
        }
        return pending
    }

    /// Runs the request (unless a fault replaces it), logs it, and returns what to send.
    func finish(_ pending: Pending) -> Outcome {
        let outcome: Outcome
        if let immediate = pending.immediate {
            outcome = .respond(immediate)
        } else if let fault = pending.decision.fault {
            let executed = pending.decision.afterExecution ? execute(pending) : nil
            if fault == .truncate, let executed {
                outcome = .truncate(executed)
            } else {
                outcome = Self.faultOutcome(fault, retryAfter: pending.decision.retryAfterSeconds)
            }
        } else {
            outcome = .respond(execute(pending))
        }
        record(pending, outcome: outcome)
        return outcome
    }

    /// Logs a request that never reached `finish` (its connection closed while it waited).
    func record(_ pending: Pending, outcome: Outcome) {
        var status = 0
        if case .respond(let response) = outcome { status = response.status }
        if case .truncate(let response) = outcome { status = response.status }
        var resource = ""
        var namespace = ""
        var name = ""
        if case .resource(let kind, let ns, let objectName, _) = pending.route.target {
            resource = kind.plural
            namespace = ns ?? ""
            name = objectName
        }
        let duration = Int64((SimulatorClock.monotonicNanoseconds() &- pending.arrivedMonotonic) / 1000)
        let entry = RequestRecord(
            sequence: 0, time: SimulatorClock.rfc3339Micro(wallMicroseconds: pending.arrivedWallMicroseconds),
            method: pending.request.method,
            path: pending.request.target, status: status, user: pending.identity?.user ?? "", verb: pending.route.verb,
            resource: resource,
            namespace: namespace, name: name, fault: pending.immediate == nil ? pending.decision.fault?.rawValue : nil,
            durationMicroseconds: duration)
        log.withLock { $0.record(entry) }
    }

    /// Logs a request the HTTP layer rejected before it was complete (400, 408, 413, 431, 501, 505).
    func recordProtocolError(status: Int) {
        let entry = RequestRecord(
            sequence: 0, time: SimulatorClock.rfc3339Micro(wallMicroseconds: SimulatorClock.wallMicroseconds()),
            method: "", path: "",
            status: status, user: "", verb: "invalid", resource: "", namespace: "", name: "", fault: nil,
            durationMicroseconds: 0)
        log.withLock { $0.record(entry) }
    }

    /// Lifecycle work (pod phases, graceful deletions, garbage collection); called periodically by one loop.
    func tick() {
        let context = WriteContext(
            manager: "kubelet", dryRun: false, monotonicNow: SimulatorClock.monotonicNanoseconds(),
            timestamp: SimulatorClock.rfc3339Now())
        store.withLock { _ = $0.tick(context: context) }
    }

    /// The counters, including the connection and garbage-collector figures.
    func counters() -> SimulatorCounters {
        var counters = log.withLock { $0.counters }
        counters.connectionsAccepted = stats.accepted.load(ordering: .relaxed)
        counters.handshakeFailures = stats.handshakeFailures.load(ordering: .relaxed)
        counters.connectionsOpen = stats.open.load(ordering: .relaxed)
        counters.garbageCollected = store.withLock { $0.garbageCollected }
        counters.authorizationDenials = authorization.withLock { $0.denialCount }
        return counters
    }

    /// The webhook named by the `webhook` fault's answer.
    static let webhookName = "validate.policy.integr8scode.example"

    private static func faultOutcome(_ fault: FaultRule.Kind, retryAfter: Int) -> Outcome {
        switch fault {
        case .drop:
            return .drop
        case .truncate:
            return .truncate(
                APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault")
                    .response)
        case .tooManyRequests:
            return .respond(
                APIStatus(
                    code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                    retryAfterSeconds: retryAfter
                ).response)
        case .internalError:
            return .respond(
                APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault")
                    .response)
        case .webhook:
            // What the API server answers when a webhook it must call cannot be reached: the dispatcher wraps
            // `webhookutil.ErrCallingWebhook` ("failed calling webhook %q: %v") in `apierrors.NewInternalError`
            // (k8s.io/apiserver plugin/pkg/admission/webhook/{mutating,validating}/dispatcher.go), whose Status has
            // reason InternalError, code 500, the message "Internal error occurred: <err>" and the error as the one
            // cause.
            let cause =
                "failed calling webhook \"\(webhookName)\": failed to call webhook: Post "
                + "\"https://policy-webhook.policy-system.svc:443/validate?timeout=10s\": dial tcp 10.96.0.42:443: "
                + "connect: connection refused"
            var status = APIStatus.internalError(cause)
            status.causes = [.object(JSONObject([.init(key: "message", value: .string(cause))]))]
            return .respond(status.response)
        case .serviceUnavailable:
            return .respond(
                APIStatus(
                    code: 503, reason: "ServiceUnavailable",
                    message: "the server is currently unable to handle the request (injected fault)"
                ).response)
        case .gatewayTimeout:
            return .respond(
                APIStatus(
                    code: 504, reason: "Timeout",
                    message: "the server was unable to return a response in the time allotted, but may still be "
                        + "processing the request (injected fault)"
                ).response)
        }
    }
}
