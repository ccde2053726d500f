import KubeAccess
import KubeClient
import Observability
import SupervisorCore

/// The API rate limit all the workers of this supervisor share: one ``RateLimiter`` page (memfd), created before
/// any worker starts and inherited by each on descriptor 4 (``KubernetesSettings/sharedRateLimitDescriptor``);
/// the supervisor's own clients (the image pre-puller) use the same page. A reload rewrites its mode, ceiling
/// and burst, which every worker sees at its next request. Shown in STATUS and on `/metrics` (README, "API
/// rate limit"; docs/decisions.md, D14).
public final class SharedRateLimit: SupervisorCompanion {
    /// The page; its descriptor is what the workers inherit.
    public let limiter: RateLimiter

    /// A page configured from the `kubernetes` section.
    public init(_ configuration: Configuration) throws(KubernetesWiringError) {
        let section = configuration.kubernetes
        do {
            limiter = try RateLimiter.sharable(
                mode: Self.mode(section.rateLimit), qps: Double(section.qps), burst: section.burst)
        } catch {
            throw KubernetesWiringError("the shared API rate limit: \(error)")
        }
    }

    /// The descriptor the launcher passes to every worker.
    public var descriptor: Int32 { limiter.descriptor ?? -1 }

    static func mode(_ mode: APIRateLimitMode) -> RateLimitMode {
        switch mode {
        case .adaptive: .adaptive
        case .fixed: .fixed
        case .off: .off
        }
    }

    public func reloaded(loaded: Configuration, inForce: Configuration) {
        let section = inForce.kubernetes
        limiter.state.configure(mode: Self.mode(section.rateLimit), ceiling: Double(section.qps), burst: section.burst)
    }

    public var status: String? { limiter.snapshot.summary }

    public func metricFamilies() -> [MetricFamily] {
        let snapshot = limiter.snapshot
        return [
            MetricFamily(
                .gauge, "k8s_worker_kubernetes_api_rate_limit",
                "Requests per second the workers' shared API rate limit allows now (0 when off).",
                value: snapshot.mode == .off ? 0 : snapshot.rate),
            MetricFamily(
                .gauge, "k8s_worker_kubernetes_api_rate_limit_ceiling",
                "The ceiling of the shared API rate limit (kubernetes.qps), by mode (adaptive, fixed, off).",
                series: RateLimitMode.allCases.map {
                    ([MetricLabel("mode", $0.rawValue)], $0 == snapshot.mode ? snapshot.ceiling : 0)
                }),
            .counter(
                "k8s_worker_kubernetes_api_throttled_total",
                "API answers 429 or 503 (the server throttling) seen by the workers and the supervisor.",
                snapshot.throttled),
            .counter(
                "k8s_worker_kubernetes_api_rate_decreases_total",
                "Times the adaptive API rate was decreased after a 429 or 503.", snapshot.decreases),
            .counter(
                "k8s_worker_kubernetes_api_rate_limit_waits_total",
                "API requests that waited for the shared rate limit.", snapshot.waits),
            MetricFamily(
                .counter, "k8s_worker_kubernetes_api_rate_limit_wait_seconds_total",
                "Time API requests spent waiting for the shared rate limit.", value: snapshot.waitSeconds),
            .gauge(
                "k8s_worker_kubernetes_api_retry_after_active",
                "1 while a Retry-After from the API server holds every request, else 0.",
                snapshot.retryAfterActive ? 1 : 0),
        ]
    }

    public func stop() {}
}
