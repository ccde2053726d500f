import Platform
import HTTPWire
import Observability

extension Supervisor {
    /// Opens the HTTP endpoint when `metrics.listen` is set; failing to bind stops the start.
    func startHTTPServer() throws(SupervisorError) {
        let text = configuration.metrics.listen
        guard !text.isEmpty else { return }
        guard let address = ListenAddress(text) else {
            throw SupervisorError("metrics.listen '\(text)' is not address:port")
        }
        let server = try HTTPServer(address: address, reactor: reactor)
        httpServer = server
        logger.info("metrics endpoint listening", metadata: ["metrics.address": "\(server.boundAddress)"])
        onMetricsListening?(server.boundAddress)
    }

    /// Answers one request on the loop, from the supervisor's state at this moment.
    func respond(to request: HTTPRequest, now: Instant) -> HTTPResponse {
        ServiceEndpoints.respond(
            to: request, metrics: { metricFamilies(now: now) }, readinessProblem: { readinessProblem(now: now) })
    }

    /// Why `/readyz` answers 503, or `nil` for 200: the supervisor is running (not draining), at least
    /// `min(workers.min_ready, workers.count)` workers have finished their handshake and are not draining, and
    /// the source can take work (see ``CommandSource/readinessProblem(now:)``).
    func readinessProblem(now: Instant) -> String? {
        switch state {
        case .draining: return "shutting down"
        case .finished: return "stopped"
        case .running: break
        }
        let minimum = min(configuration.workers.minReady, pool.targetSize)
        if pool.readyCount < minimum { return "\(pool.readyCount) of the \(minimum) workers needed are ready" }
        return source.readinessProblem(now: now)
    }

    /// Everything `/metrics` shows.
    func metricFamilies(now: Instant) -> [MetricFamily] {
        var families: [MetricFamily] = [
            MetricFamily(
                .gauge, "process_start_time_seconds", "Start time of the supervisor since the Unix epoch in seconds.",
                value: startTime),
            MetricFamily(
                .gauge, "k8s_worker_build_info", "Always 1; the version label names the build.",
                series: [([MetricLabel("version", version)], 1)]),
            .gauge(
                "k8s_worker_ready", "1 when /readyz answers 200, else 0.", readinessProblem(now: now) == nil ? 1 : 0),
            .gauge(
                "k8s_worker_workers_ready", "Workers that finished their handshake and take commands.", pool.readyCount),
            .gauge("k8s_worker_workers_target", "Workers the pool keeps running (workers.count).", pool.targetSize),
            .gauge("k8s_worker_worker_processes", "Worker processes not yet reaped, in any phase.", processes.count),
            .counter(
                "k8s_worker_worker_restarts_total", "Workers started to replace one that exited unexpectedly.",
                pool.restarts),
            .gauge("k8s_worker_commands_in_flight", "Commands held by workers.", ledger.inFlightCount),
            .gauge(
                "k8s_worker_commands_queued", "Accepted commands waiting for a worker (deferred ones included).",
                ledger.queuedCount),
            .gauge(
                "k8s_worker_commands_waiting_retry",
                "Commands deferred by a retry-later answer, waiting to be tried again.",
                ledger.deferredCount),
            .counter("k8s_worker_commands_done_total", "Commands a worker finished successfully.", counters.done),
            .counter(
                "k8s_worker_commands_failed_total", "Commands that failed for good (quarantined ones included).",
                counters.failed),
            .counter(
                "k8s_worker_commands_quarantined_total",
                "Commands failed because workers kept dying while running them.",
                counters.quarantined),
            .counter(
                "k8s_worker_commands_deferred_total",
                "Retry-later answers: commands sent back until a transient fault passes.",
                counters.deferred),
            .counter(
                "k8s_worker_orphans_reaped_total",
                "Exited processes other than workers reaped (as PID 1 or subreaper).",
                counters.orphansReaped),
        ]
        families += workerStatistics.total.metricFamilies
        families += source.metricFamilies()
        for companion in companions { families += companion.metricFamilies() }
        if let httpServer {
            families.append(
                .counter(
                    "k8s_worker_http_connections_refused_total",
                    "Connections to this endpoint refused with 503: their peer's slots all held stalled answers.",
                    httpServer.refusedConnections))
            families.append(
                MetricFamily(
                    .counter, "k8s_worker_http_connections_cut_total",
                    "Connections to this endpoint closed before their exchange was over, by reason.",
                    series: HTTPAdmission.Cut.allCases.map {
                        ([MetricLabel("reason", $0.rawValue)], Double(httpServer.cutConnections[$0] ?? 0))
                    }))
        }
        return families
    }
}
