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
        var histogram = HistogramCounts(bounds: WorkerStatistics.durationBounds)
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

    /// A reported histogram renders exactly as the same observations counted in a ``HistogramValues`` would:
    /// same bounds, buckets (cumulative in the text), sum and count.
    @Test func aReportedHistogramRendersAsTheSameObservationsWould() throws {
        var reported = HistogramCounts(bounds: WorkerStatistics.durationBounds)
        var expected = HistogramValues(bounds: WorkerStatistics.durationBounds)
        for value in [0.005, 0.02, 0.3, 0.3, 7, 500] {
            reported.observe(value)
            expected.observe(value)
        }
        let rendered = try #require(HistogramValues(reported))
        #expect(rendered == expected)
        let labels = [MetricLabel("language", "go")]
        let text = PrometheusText.render([MetricFamily(histogram: "d_seconds", "h", series: [(labels, rendered)])])
        #expect(
            text == PrometheusText.render([MetricFamily(histogram: "d_seconds", "h", series: [(labels, expected)])]))
        #expect(text.contains("d_seconds_bucket{language=\"go\",le=\"0.5\"} 4\n"))
        #expect(text.contains("d_seconds_bucket{language=\"go\",le=\"+Inf\"} 6\n"))
        #expect(text.contains("d_seconds_count{language=\"go\"} 6\n"))
    }

    /// Each language's histogram is the sum over live and retired workers, rendered in language order.
    @Test func durationHistogramsOfAllWorkersAreRenderedPerLanguage() throws {
        func report(_ language: String, _ seconds: [Double]) -> WorkerStatistics {
            var histogram = HistogramCounts(bounds: WorkerStatistics.durationBounds)
            for value in seconds { histogram.observe(value) }
            var statistics = WorkerStatistics()
            statistics.podCreationSeconds = [language: histogram]
            return statistics
        }
        var totals = WorkerStatisticsTotals()
        totals.record(report("python", [0.02]), from: WorkerID(1))
        totals.record(report("go", [0.02, 200]), from: WorkerID(2))
        totals.record(report("go", [0.5]), from: WorkerID(3))
        totals.retire(WorkerID(3))
        let text = PrometheusText.render(totals.total.metricFamilies)
        #expect(text.contains("pod_creation_duration_seconds_bucket{language=\"go\",le=\"0.025\"} 1\n"))
        #expect(text.contains("pod_creation_duration_seconds_bucket{language=\"go\",le=\"0.5\"} 2\n"))
        #expect(text.contains("pod_creation_duration_seconds_bucket{language=\"go\",le=\"120\"} 2\n"))
        #expect(text.contains("pod_creation_duration_seconds_bucket{language=\"go\",le=\"+Inf\"} 3\n"))
        #expect(text.contains("pod_creation_duration_seconds_sum{language=\"go\"} 200.52\n"))
        #expect(text.contains("pod_creation_duration_seconds_count{language=\"python\"} 1\n"))
        let go = try #require(text.range(of: "pod_creation_duration_seconds_bucket{language=\"go\""))
        let python = try #require(text.range(of: "pod_creation_duration_seconds_bucket{language=\"python\""))
        #expect(go.lowerBound < python.lowerBound)
    }
}
