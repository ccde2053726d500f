import IPC
import Observability
import SupervisorCore
import Testing

/// Worker reports add up across workers and survive their replacement; gauges do not outlive their worker.
@Suite struct WorkerStatisticsTotalsTests {
    static func report(created: UInt64, retries503: UInt64, active: UInt32) -> WorkerStatistics {
        var statistics = WorkerStatistics()
        statistics.podCreations = [.init(status: "success", language: "python"): created]
        statistics.apiRetries = ["503": retries503]
        statistics.podCreationsActive = active
        statistics.apiRequests = created * 2
        return statistics
    }

    @Test func latestReportPerWorkerCountsOnce() {
        var totals = WorkerStatisticsTotals()
        totals.record(Self.report(created: 1, retries503: 0, active: 1), from: WorkerID(1))
        totals.record(Self.report(created: 3, retries503: 2, active: 0), from: WorkerID(1))
        totals.record(Self.report(created: 5, retries503: 1, active: 2), from: WorkerID(2))
        let total = totals.total
        #expect(total.podCreations[.init(status: "success", language: "python")] == 8)
        #expect(total.apiRetries == ["503": 3])
        #expect(total.podCreationsActive == 2)
        #expect(total.apiRequests == 16)
    }

    @Test func aRetiredWorkerKeepsItsCountersButNotItsGauge() {
        var totals = WorkerStatisticsTotals()
        totals.record(Self.report(created: 4, retries503: 1, active: 3), from: WorkerID(1))
        totals.retire(WorkerID(1))
        totals.retire(WorkerID(1))  // twice is harmless
        totals.retire(WorkerID(9))  // never reported
        totals.record(Self.report(created: 1, retries503: 0, active: 1), from: WorkerID(2))
        let total = totals.total
        #expect(total.podCreations[.init(status: "success", language: "python")] == 5)
        #expect(total.apiRetries == ["503": 1])
        #expect(total.podCreationsActive == 1)
    }

    @Test func familiesUseUpstreamNames() {
        var statistics = Self.report(created: 2, retries503: 1, active: 1)
        var histogram = HistogramValues(bounds: WorkerStatistics.durationBounds)
        histogram.observe(0.2)
        statistics.podCreationSeconds = ["python": histogram]
        statistics.configMapsCreated = ["already_exists": 1]
        let text = PrometheusText.render(statistics.metricFamilies)
        #expect(text.contains("pod_creations_total{status=\"success\",language=\"python\"} 2\n"))
        #expect(text.contains("pod_creation_duration_seconds_bucket{language=\"python\",le=\"0.25\"} 1\n"))
        #expect(text.contains("pod_creation_duration_seconds_count{language=\"python\"} 1\n"))
        #expect(text.contains("pod_creations_active 1\n"))
        #expect(text.contains("configmaps_created_total{status=\"already_exists\"} 1\n"))
        #expect(text.contains("k8s_worker_kubernetes_api_retries_total{code=\"503\"} 1\n"))
        #expect(text.contains("# TYPE pod_creation_duration_seconds histogram\n"))
    }
}
