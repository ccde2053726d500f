import Glibc

/// The benchmark report: a table for people and a JSON file for tools.
struct Report {
    struct Row {
        var name: String
        var p50: Double
        var p99: Double
        var rate: Double?
    }

    var machine = ""
    var rows: [Row] = []
    /// Idle memory, one sample per worker handler.
    var memory: [ResidentMemory.Sample] = []
    var goals: [(String, Bool, String)] = []
    /// The other benchmarks: a name, a Markdown table and a JSON value each.
    var sections: [(name: String, table: String, json: String)] = []

    mutating func add(_ name: String, p50: Double, p99: Double, rate: Double?) {
        rows.append(Row(name: name, p50: p50, p99: p99, rate: rate))
    }

    func table() -> String {
        var lines = [
            "machine: \(machine)", "", "| measurement | p50 µs | p99 µs | commands/s |", "|---|---:|---:|---:|",
        ]
        for row in rows {
            lines.append(
                "| \(row.name) | \(Self.fixed(row.p50)) | \(Self.fixed(row.p99)) | \(row.rate.map { String(Int($0)) } ?? "–") |"
            )
        }
        lines += ["", "| handler | supervisor, 4 idle workers: RSS | one idle worker: RSS | its private pages / PSS |"]
        lines.append("|---|---:|---:|---:|")
        for sample in memory {
            lines.append(
                "| \(sample.handler.rawValue) | \(Self.megabytes(sample.supervisorKiB)) | \(Self.megabytes(sample.workerKiB)) "
                    + "| \(Self.megabytes(sample.workerPrivateKiB)) / \(Self.megabytes(sample.workerPssKiB)) |")
        }
        if let kubernetes = memory.last(where: { $0.handler == .kubernetes }) {
            for (whose, mappings) in [
                ("an idle worker's", kubernetes.workerMappings), ("the supervisor's", kubernetes.supervisorMappings),
            ] {
                lines += [
                    "",
                    "Where \(whose) RSS is (Kubernetes handler; files shared with other processes count in full):",
                    "", "| mapping | RSS |", "|---|---:|",
                ]
                for mapping in mappings.prefix(8) { lines.append("| \(mapping.name) | \(mapping.kib) KiB |") }
                let rest = mappings.dropFirst(8)
                lines.append("| \(rest.count) others | \(rest.reduce(0) { $0 + $1.kib }) KiB |")
            }
        }
        lines += ["", "| goal | met | measured |", "|---|---|---|"]
        for (goal, met, measured) in goals { lines.append("| \(goal) | \(met ? "yes" : "NO") | \(measured) |") }
        return lines.joined(separator: "\n")
    }

    func writeJSON(to path: String) {
        var text = "{\"machine\":\"\(machine)\",\"rows\":["
        text += rows.map {
            "{\"name\":\"\($0.name)\",\"p50_us\":\(Self.fixed($0.p50)),\"p99_us\":\(Self.fixed($0.p99)),\"rate_per_s\":\($0.rate.map { String(Int($0)) } ?? "null")}"
        }.joined(separator: ",")
        text +=
            "],\"rss_kib\":{"
            + memory.map {
                "\"\($0.handler.rawValue)\":{\"supervisor\":\($0.supervisorKiB),\"worker\":\($0.workerKiB),"
                    + "\"worker_private\":\($0.workerPrivateKiB),\"worker_pss\":\($0.workerPssKiB)}"
            }.joined(separator: ",") + "},\"goals\":["
        text += goals.map { "{\"goal\":\"\($0.0)\",\"met\":\($0.1),\"measured\":\"\($0.2)\"}" }.joined(separator: ",")
        text += "]"
        for section in sections { text += ",\"\(section.name)\":\(section.json)" }
        text += "}\n"
        guard let file = fopen(path, "w") else { return }
        fputs(text, file)
        fclose(file)
    }

    /// `KiB` as megabytes with one decimal.
    static func megabytes(_ kib: Int) -> String {
        let tenths = (kib * 10 + 512) / 1024
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// The latency-bound ideal rate: every one of `slots` in-flight commands busy, each create costing two API
    /// calls (Pod, ConfigMap) of `latencyMilliseconds` each. `nil` without added latency (then the CPU bounds it).
    static func latencyBoundIdeal(slots: Int, latencyMilliseconds: Int) -> Double? {
        latencyMilliseconds > 0 ? Double(slots) / (2 * Double(latencyMilliseconds) / 1000) : nil
    }

    /// An ideal for a table cell, and for JSON.
    static func idealCell(_ ideal: Double?) -> String { ideal.map { "\(Int($0))" } ?? "CPU-bound" }
    static func idealJSON(_ ideal: Double?) -> String { ideal.map { "\(Int($0))" } ?? "null" }

    static func fixed(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Where the numbers were measured.
enum Machine {
    static func describe() -> String {
        var model = "unknown CPU"
        if let file = fopen("/proc/cpuinfo", "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 512)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if text.hasPrefix("model name"), let colon = text.firstIndex(of: ":") {
                    model = String(text[text.index(after: colon)...].dropFirst().dropLast())
                    break
                }
            }
        }
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(model), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores, Linux \(release)"
    }
}
