import IPC
import Observability

/// The sum of every worker's reported ``WorkerStatistics`` over the supervisor's life.
///
/// Each worker reports cumulative counters; the latest report of each live worker is kept, and when a worker
/// is gone its last report moves into the retired total (its gauge, creations in progress, is dropped: they
/// died with it). So totals never go backwards when workers are replaced. What a worker counted after its last
/// report is lost with it — at most one heartbeat interval's worth, and nothing for a drained worker, which
/// reports before it exits.
public struct WorkerStatisticsTotals {
    private var retired = WorkerStatistics()
    private var live: [WorkerID: WorkerStatistics] = [:]

    public init() {}

    /// Keeps `statistics` as the latest report of `worker`.
    public mutating func record(_ statistics: WorkerStatistics, from worker: WorkerID) {
        live[worker] = statistics
    }

    /// `worker` will report no more.
    public mutating func retire(_ worker: WorkerID) {
        guard var last = live.removeValue(forKey: worker) else { return }
        last.podCreationsActive = 0
        retired.add(last)
    }

    public var total: WorkerStatistics {
        var sum = retired
        for statistics in live.values { sum.add(statistics) }
        return sum
    }
}

extension WorkerStatistics {
    /// Upstream's metric names (docs/upstream-contract.md §6, as its Grafana dashboards query them) and the Kubernetes client's
    /// counters.
    public var metricFamilies: [MetricFamily] {
        [
            MetricFamily(
                .counter, "pod_creations_total",
                "Finished create_pod_commands by status (success, failed) and language (from the runtime registry, else unknown).",
                series: podCreations.sorted { $0.key < $1.key }.map {
                    (
                        [MetricLabel("status", $0.key.status), MetricLabel("language", $0.key.language)],
                        Double($0.value)
                    )
                }),
            MetricFamily(
                histogram: "pod_creation_duration_seconds",
                "Time from the first API call to both objects existing, for successful creations, by language.",
                series: podCreationSeconds.sorted { $0.key < $1.key }.compactMap { language, counts in
                    HistogramValues(counts).map { ([MetricLabel("language", language)], $0) }
                }),
            MetricFamily(
                .gauge, "pod_creations_active", "Creations in progress on the workers.",
                value: Double(podCreationsActive)),
            MetricFamily(
                .counter, "configmaps_created_total",
                "Script ConfigMap creations by status (success, already_exists, failed).",
                series: configMapsCreated.sorted { $0.key < $1.key }.map {
                    ([MetricLabel("status", $0.key)], Double($0.value))
                }),
            MetricFamily(
                .counter, "k8s_worker_kubernetes_api_requests_total",
                "Kubernetes API calls made by the workers (retries not counted).",
                value: Double(apiRequests)),
            MetricFamily(
                .counter, "k8s_worker_kubernetes_api_failures_total",
                "Kubernetes API calls that ended in an error after their retries.",
                value: Double(apiFailures)),
            MetricFamily(
                .counter, "k8s_worker_kubernetes_api_retries_total",
                "Kubernetes API attempts retried, by cause: the HTTP status code, or transport for connection errors.",
                series: apiRetries.sorted { $0.key < $1.key }.map { ([MetricLabel("code", $0.key)], Double($0.value)) }),
            MetricFamily(
                .counter, "k8s_worker_pod_creations_given_up_total",
                "create_pod_commands failed instead of retried further, by cause: attempts "
                    + "(workers.max_create_attempts answers of 500) or expired (older than workers.max_command_age).",
                // Both causes are always present, so an alert on either has a series from the start.
                series: ["attempts", "expired"].map {
                    ([MetricLabel("cause", $0)], Double(podCreationsGivenUp[$0, default: 0]))
                }),
            MetricFamily(
                .counter, "k8s_worker_resource_limits_exceeded_total",
                "Command values above the pod section's maxima, by action (clamped, refused) and field.",
                series: resourceLimitsExceeded.sorted { $0.key < $1.key }.map { key, value in
                    let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                    return (
                        [
                            MetricLabel("action", parts.first ?? ""),
                            MetricLabel("field", parts.count > 1 ? parts[1] : ""),
                        ],
                        Double(value)
                    )
                }),
        ]
    }
}

extension HistogramValues {
    /// The histogram a worker reported, to render: its buckets, sum and bounds as they are. `nil` only when the
    /// number of buckets does not fit the bounds, which ``HistogramCounts`` never holds.
    public init?(_ reported: HistogramCounts) {
        self.init(bounds: reported.bounds, counts: reported.buckets, sum: reported.sum)
    }
}
