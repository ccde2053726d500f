import Events
import KubeAccess
import KubeClient
import KubeManifests
import Logging
import Observability
import Platform
import SupervisorCore

/// Keeps the DaemonSet `runtime-image-pre-puller` (``PrePullerManifest``) equal to the runtime registry, and reports
/// per image where it stands on the nodes (README, "Image pre-puller").
///
/// Runs on a thread of its own with its own API client, so a slow or refusing API server never holds the
/// supervisor's loop. At start, on every reload and every ``interval`` it reads the DaemonSet; when absent it
/// creates it by server-side apply (RBAC: `create` and `patch` limited to the name), when its digest annotation
/// differs it replaces it whole with a `PUT` (`update`, limited to the name) — a replace, not an apply, so a
/// DaemonSet written by another client (upstream's worker) loses every field of its own, its init containers
/// included. Then it lists the DaemonSet's Pods (`list` on pods) and reads each image's container status.
///
/// Nothing here stops the service: a refused or failing call is logged once per change, counted, and shown in
/// STATUS until a later round succeeds. Executions do not depend on the pre-puller; they only start faster.
///
/// On reload the images are those of the configuration in force **and** of the one just read: the `pod` section
/// applies at the next restart, so the images it adds are pulled before that restart, and the ones it drops are
/// dropped by the first round after it.
public final class ImagePrePuller: SupervisorCompanion, @unchecked Sendable {
    /// How often the DaemonSet and its Pods are read.
    public static let interval: Duration = .seconds(30)
    /// Bound of one round's API calls.
    static let roundTimeout: Duration = .seconds(20)

    /// What the DaemonSet should be.
    struct Wanted: Equatable {
        var enabled: Bool
        var images: [String]
        var settings: ManifestSettings
    }

    /// What the last round found, read by the supervisor's thread.
    struct Snapshot {
        var wanted: Wanted
        var status: PrePullStatus?
        var problem: String?
        var writes = 0
        var failures = 0
        var stopping = false
        /// The thread is in a round (API calls that may take up to ``roundTimeout``).
        var inRound = false
    }

    private let client: KubeClient
    private let namespace: String
    private let logger: Logger
    private let wakeup = Wakeup()
    /// Woken at the end of every round (for ``stop()``).
    private let roundEnded = Wakeup()
    private let shared: Locked<Snapshot>
    private var thread: PlatformThread?
    /// Only the pre-puller's thread reads and writes it.
    private var lastProblem: String?

    /// A pre-puller for `configuration`'s namespace, talking through `client`. Nothing runs before ``start()``.
    public init(client: KubeClient, configuration: Configuration, logger: Logger) throws(ManifestError) {
        self.client = client
        self.namespace = configuration.kubernetes.namespace
        self.logger = logger
        shared = Locked(Snapshot(wanted: try Self.wanted(configuration)))
    }

    /// The images and placement `configuration` asks for; `also` adds the images of another configuration.
    static func wanted(_ configuration: Configuration, also other: Configuration? = nil) throws(ManifestError) -> Wanted
    {
        let settings = KubernetesWiring.settings(configuration)
        var images = try settings.pod.registry().distinctImages
        if let other {
            let more = try KubernetesWiring.settings(other).pod.registry().distinctImages
            images = Array(Set(images + more)).sorted()
        }
        return Wanted(
            enabled: configuration.kubernetes.prePullImages, images: images, settings: settings.manifestSettings)
    }

    /// Starts the thread; its first round runs at once.
    public func start() throws(PlatformThread.StartError) {
        thread = try PlatformThread.start { [self] in loop() }
    }

    public func reloaded(loaded: Configuration, inForce: Configuration) {
        do {
            var wanted = try Self.wanted(inForce, also: loaded)
            wanted.enabled = loaded.kubernetes.prePullImages
            shared.withLock { $0.wanted = wanted }
            wakeup.wake()
        } catch {
            logger.error("image pre-puller: the reloaded runtime registry is unusable", metadata: ["error": "\(error)"])
        }
    }

    public var status: String? {
        shared.withLock { snapshot in
            guard snapshot.wanted.enabled else { return nil }
            if let problem = snapshot.problem { return "pre-pull: \(problem)" }
            return snapshot.status?.summary
        }
    }

    public func metricFamilies() -> [MetricFamily] {
        let snapshot = shared.withLock { $0 }
        var families: [MetricFamily] = [
            .counter(
                "k8s_worker_prepull_writes_total", "Creates and replaces of the DaemonSet runtime-image-pre-puller.",
                snapshot.writes),
            .counter(
                "k8s_worker_prepull_failures_total",
                "Rounds of the image pre-puller that failed (refused, unreachable, invalid).", snapshot.failures),
        ]
        if snapshot.wanted.enabled, let status = snapshot.status {
            families.append(
                .gauge(
                    "k8s_worker_prepull_nodes", "Nodes the DaemonSet runtime-image-pre-puller should run on.",
                    status.desiredNodes))
            families.append(
                MetricFamily(
                    .gauge, "k8s_worker_prepull_image_nodes",
                    "Nodes per runtime image and state (pulled, pulling, failing, not_runnable).",
                    series: status.images.flatMap { image in
                        PrePullStatus.State.allCases.map { state in
                            (
                                [MetricLabel("image", image.image), MetricLabel("state", state.rawValue)],
                                Double(image.count(state))
                            )
                        }
                    }))
        }
        return families
    }

    /// One round now, on the caller's thread, with what the last start or reload asked for (the thread does the
    /// same at start, on reload and every ``interval``).
    public func runOnce() {
        let wanted = shared.withLock { $0.wanted }
        if wanted.enabled { _ = round(wanted) }
    }

    /// What the last successful round read, or `nil`.
    public var lastStatus: PrePullStatus? { shared.withLock { $0.status } }

    /// Stops the thread: joined when it is waiting between rounds or when a round under way ends within
    /// ``stopGrace``; otherwise left to end by itself (detached), so a stop never waits long for an unreachable API
    /// server.
    public func stop() {
        let busy = shared.withLock { snapshot in
            snapshot.stopping = true
            return snapshot.inRound
        }
        wakeup.wake()
        // A round against a reachable server ends within milliseconds: wait for it a little, so that the thread is
        // not in the middle of a transfer while the process exits.
        var stillBusy = busy
        let deadline = Instant.now() + Self.stopGrace
        while stillBusy && Instant.now() < deadline {
            roundEnded.wait(for: deadline.since(Instant.now()))
            stillBusy = shared.withLock { $0.inRound }
        }
        if stillBusy { thread?.detach() } else { thread?.join() }
        thread = nil
    }

    /// How long ``stop()`` waits for a round under way before it leaves the thread to end by itself.
    static let stopGrace: Duration = .seconds(2)

    private func loop() {
        // While the nodes are still pulling (or the DaemonSet's controller has not placed its Pods yet) the rounds
        // come sooner, 1 s doubling up to `interval`, so STATUS follows a start or a reload within seconds without
        // listing Pods every second for the minutes a large pull takes.
        var settleDelay = Self.firstSettleDelay
        while true {
            let next: Wanted? = shared.withLock { snapshot in
                if snapshot.stopping { return nil }
                snapshot.inRound = snapshot.wanted.enabled
                return snapshot.wanted
            }
            guard let wanted = next else { return }
            let settled = !wanted.enabled || round(wanted)
            let stopping = shared.withLock { snapshot in
                snapshot.inRound = false
                return snapshot.stopping
            }
            roundEnded.wake()
            if stopping { return }
            var wait = Self.interval
            if !settled {
                wait = settleDelay
                settleDelay = min(settleDelay * 2, Self.interval)
            } else {
                settleDelay = Self.firstSettleDelay
            }
            if wakeup.wait(for: wait) { settleDelay = Self.firstSettleDelay }
        }
    }

    /// The first delay of a round after one that found the nodes unsettled.
    static let firstSettleDelay: Duration = .seconds(1)

    /// One reconcile and one status read. Returns whether everything is settled: every image's container is
    /// running or failing for good on every node the DaemonSet should cover (a failed round counts as settled: its
    /// retry waits the whole interval).
    @discardableResult
    func round(_ wanted: Wanted) -> Bool {
        let deadline = KubeDeadline.after(Self.roundTimeout)
        do {
            let (wrote, desiredNodes) = try reconcile(wanted, deadline: deadline)
            let pods = try client.get(
                "/api/v1/namespaces/\(namespace)/pods", query: [("labelSelector", PrePullerManifest.podSelector)],
                deadline: deadline)
            let status = PrePullStatus(
                images: wanted.images, pods: pods.objectValue?["items"]?.arrayValue ?? [], desiredNodes: desiredNodes)
            shared.withLock { snapshot in
                snapshot.status = status
                snapshot.problem = nil
                if wrote { snapshot.writes += 1 }
            }
            if lastProblem != nil { logger.info("image pre-puller: working again") }
            lastProblem = nil
            for image in status.troubled {
                logger.debug(
                    "image pre-puller: an image is not on every node",
                    metadata: ["image": "\(image.image)", "reason": "\(image.reason ?? "")"])
            }
            return !wrote && status.isSettled
        } catch {
            let problem = "\(error.summary): \(error.message)"
            shared.withLock { snapshot in
                snapshot.problem = error.kind == .forbidden ? "forbidden by RBAC (\(error.summary))" : error.summary
                snapshot.failures += 1
            }
            if problem != lastProblem {
                logger.error(
                    "image pre-puller: \(error.kind == .forbidden ? "forbidden by RBAC" : "failed"); executions still run, their images are pulled when they start",
                    metadata: ["error": "\(problem)"])
            }
            lastProblem = problem
            return true
        }
    }

    /// Creates or replaces the DaemonSet when it differs from `wanted`. Returns whether it wrote, and the nodes the
    /// DaemonSet should run on.
    private func reconcile(_ wanted: Wanted, deadline: KubeDeadline) throws(KubeAPIError) -> (Bool, Int) {
        // The DaemonSet's controller writes its status often, and each write changes the resourceVersion the
        // replace carries: a 409 is read again and tried again (three times in all).
        var attempt = 1
        while true {
            do {
                return try reconcileOnce(wanted, deadline: deadline)
            } catch  where error.kind == .conflict && attempt < 3 {
                attempt += 1
            }
        }
    }

    private func reconcileOnce(_ wanted: Wanted, deadline: KubeDeadline) throws(KubeAPIError) -> (Bool, Int) {
        let desired = PrePullerManifest.build(images: wanted.images, settings: wanted.settings)
        let digest = PrePullerManifest.digest(in: desired.body)
        let path = PrePullerManifest.path(namespace: namespace)
        let live: JSONValue
        do {
            live = try client.get(path, deadline: deadline)
        } catch {
            guard error.kind == .notFound else { throw error }
            // A create by server-side apply is authorized as `patch` and then `create` with the object's name, so
            // RBAC can limit both to this one DaemonSet (a POST's name is not known when it is authorized).
            let created = try client.patch(
                path, body: desired.json, contentType: NetworkPolicyManifest.applyContentType,
                query: [("fieldManager", NetworkPolicyManifest.fieldManager), ("force", "true")], deadline: deadline)
            logger.info(
                "image pre-puller: DaemonSet created",
                metadata: ["name": "\(PrePullerManifest.name)", "images": "\(wanted.images.count)"])
            return (true, PrePullerManifest.desiredNodes(of: created))
        }
        let liveDigest = PrePullerManifest.digest(in: live)
        if liveDigest == digest { return (false, PrePullerManifest.desiredNodes(of: live)) }
        let replaced = try client.replace(
            path, body: PrePullerManifest.replacement(desired, of: live), deadline: deadline)
        logger.info(
            "image pre-puller: DaemonSet replaced",
            metadata: [
                "name": "\(PrePullerManifest.name)", "images": "\(wanted.images.count)",
                "previous": "\(liveDigest == nil ? "not ours (taken over)" : "an older registry")",
            ])
        return (true, PrePullerManifest.desiredNodes(of: replaced))
    }
}
