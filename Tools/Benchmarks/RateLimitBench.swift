import KubeClient

/// The shipped API rate limit against no limit on the simulator, and under the simulator's API Priority and
/// Fairness model (README, "API rate limit"): issue 13 asks that the shipped configuration reach at least 90% of
/// the unthrottled rate, and that under APF-like 429s the workers converge instead of hammering.
enum RateLimitBench {
    struct Row {
        var label: String
        var row: KubeBench.Row
    }

    /// Workers, slots and the server's budget of the APF rows (requests per second; a create is three).
    static let workers = 4
    static let concurrency = 8
    static let serverRate = 600.0

    /// Unlimited and shipped, alternating, best of `runs` each (the machine is shared: the best run is the one
    /// least disturbed); then both under APF.
    static func rows(quick: Bool) throws -> [Row] {
        let commands = quick ? 600 : 2_000
        func run(_ limit: KubeBench.Limit, apf: Double? = nil, count: Int = commands) throws -> KubeBench.Row {
            try KubeBench.run(
                workers: workers, concurrency: concurrency, latencyMilliseconds: 0, commands: count, limit: limit,
                apfRate: apf)
        }
        var unlimited: [KubeBench.Row] = []
        var shipped: [KubeBench.Row] = []
        for _ in 0..<(quick ? 1 : 2) {
            unlimited.append(try run(.unlimited))
            shipped.append(try run(.shipped))
        }
        // Long enough for the adaptive rate to come down from the ceiling and settle (a few halvings, 1 s apart).
        let apfCommands = quick ? 1_200 : 2_400
        return [
            Row(label: "no limit (kubernetes.qps: 0)", row: unlimited.max { $0.rate < $1.rate }!),
            Row(label: "shipped (adaptive, ceiling 2000/s, shared)", row: shipped.max { $0.rate < $1.rate }!),
            Row(
                label: "no limit, simulator APF \(Int(serverRate)) req/s",
                row: try run(.unlimited, apf: serverRate, count: apfCommands)),
            Row(
                label: "shipped, simulator APF \(Int(serverRate)) req/s",
                row: try run(.shipped, apf: serverRate, count: apfCommands)),
        ]
    }

    static func table(_ rows: [Row]) -> String {
        let reference = rows.first?.row.rate ?? 0
        var lines = [
            "| API rate limit (\(workers) workers × \(concurrency), 0 ms, HTTP/1.1) | creates | creates/s | of no limit | failures | 429s from the server | 429s per create | limit at the end (req/s) | waits |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for entry in rows {
            let row = entry.row
            let share = entry.label.contains("APF") ? "–" : "\(Int((row.rate / max(reference, 1e-9) * 100).rounded()))%"
            let limit = row.rateLimit.map { String(Int($0.rate.rounded())) } ?? "–"
            let waits = row.rateLimit.map { "\($0.waits)" } ?? "–"
            let perCreate = Report.fixed(Double(row.serverRejections) / Double(max(1, row.commands)))
            lines.append(
                "| \(entry.label) | \(row.commands) | \(Int(row.rate)) | \(share) | \(row.failures) | \(row.serverRejections) | \(perCreate) | \(limit) | \(waits) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ rows: [Row]) -> String {
        "["
            + rows.map { entry in
                "{\"limit\":\"\(entry.label)\",\"creates\":\(entry.row.commands),\"rate_per_s\":\(Int(entry.row.rate)),"
                    + "\"failures\":\(entry.row.failures),\"server_429s\":\(entry.row.serverRejections),"
                    + "\"limit_at_end_per_s\":\(entry.row.rateLimit.map { String(Int($0.rate.rounded())) } ?? "null")}"
            }.joined(separator: ",") + "]"
    }
}
