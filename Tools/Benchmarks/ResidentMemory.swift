import Demo
import Glibc
import Platform
import SupervisorCore

/// Resident memory of a real `k8s-worker run` with idle workers, read from /proc after it reports READY=1.
///
/// The supervisor runs as shipped against librdkafka's mock cluster with the standard topics (its consumer in the
/// group, partitions assigned: READY=1 waits for that) and, with the Kubernetes handler, the demo's API simulator
/// under the shipped RBAC: the supervisor runs its API preflight and its image pre-puller, and every worker builds
/// its client (libcurl, OpenSSL). The environment is the one the shipped unit and image give it:
/// `GNUTLS_NO_IMPLICIT_INIT=1` (README, "Memory").
enum ResidentMemory {
    enum Handler: String { case stub, kubernetes }

    struct Sample {
        var handler = Handler.stub
        var supervisorKiB: Int
        var workerKiB: Int
        /// The worker's pages no other process shares (Private_Clean + Private_Dirty): what each extra worker costs.
        var workerPrivateKiB = 0
        /// The worker's proportional set size: shared library pages divided among the processes mapping them.
        var workerPssKiB = 0
        /// The worker's resident KiB by mapping (file, or `[heap]`, `[stack]`, `[anonymous]`), largest first.
        var workerMappings: [(name: String, kib: Int)] = []
        /// The supervisor's resident KiB by mapping, largest first.
        var supervisorMappings: [(name: String, kib: Int)] = []
    }

    static func measure(workers: Int, handler: Handler = .stub) throws -> Sample {
        let environment: DemoEnvironment
        // Three brokers, as a production cluster has at least: librdkafka keeps a thread and buffers per broker.
        do { environment = try DemoEnvironment(brokers: 3) } catch { throw SupervisorError("\(error)") }
        defer { environment.shutdown() }
        // The Kubernetes section names the demo's cluster either way; the stub handler never uses it.
        let (pid, notify) = try CPUPerCreate.startService(
            in: environment,
            arguments: [
                "--workers", "\(workers)", "--set", "workers.min_ready=\(workers)", "--set",
                "workers.handler=\(handler.rawValue)",
            ])
        defer {
            kill(pid, SIGTERM)
            Spawn.wait(pid)
            withExtendedLifetime(notify) {}
        }
        let children = childProcesses(of: pid)
        guard let largest = children.max(by: { rss(of: $0) < rss(of: $1) }) else { throw SupervisorError("no workers") }
        let rollup = smapsRollup(of: largest)
        return Sample(
            handler: handler, supervisorKiB: rss(of: pid), workerKiB: rss(of: largest),
            workerPrivateKiB: (rollup["Private_Clean"] ?? 0) + (rollup["Private_Dirty"] ?? 0),
            workerPssKiB: rollup["Pss"] ?? 0, workerMappings: residentByMapping(of: largest),
            supervisorMappings: residentByMapping(of: pid))
    }

    /// Resident KiB per mapped file (or `[heap]`, `[stack]`, `[anonymous]`) from /proc/<pid>/smaps, largest first.
    static func residentByMapping(of pid: pid_t) -> [(name: String, kib: Int)] {
        var totals: [String: Int] = [:]
        var current = "[anonymous]"
        for line in (readAll("/proc/\(pid)/smaps") ?? "").split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), first.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                let path = fields.count >= 6 ? String(fields[5]) : "[anonymous]"
                current = path.hasPrefix("/") ? String(path.split(separator: "/").last ?? "") : path
            } else if fields.first == "Rss:", fields.count >= 2, let kib = Int(fields[1]) {
                totals[current, default: 0] += kib
            }
        }
        return totals.filter { $0.value > 0 }.map { (name: $0.key, kib: $0.value) }.sorted { $0.kib > $1.kib }
    }

    /// The kB fields of /proc/<pid>/smaps_rollup.
    static func smapsRollup(of pid: pid_t) -> [String: Int] {
        var fields: [String: Int] = [:]
        for line in (readAll("/proc/\(pid)/smaps_rollup") ?? "").split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1].filter(\.isNumber)) else { continue }
            fields[String(parts[0])] = value
        }
        return fields
    }

    static func rss(of pid: pid_t) -> Int {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS:") { return Int(text.dropFirst(6).filter(\.isNumber)) ?? 0 }
        }
        return 0
    }

    static func childProcesses(of parent: pid_t) -> [pid_t] {
        guard let text = readAll("/proc/\(parent)/task/\(parent)/children") else { return [] }
        return text.split(separator: " ").compactMap { pid_t($0.filter(\.isNumber)) }
    }

    static func readAll(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[0..<count]
            if count < chunk.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
