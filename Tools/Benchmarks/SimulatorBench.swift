import Glibc
import KubeSimulator

/// The API simulator's own cost when it is full and idle (issue 12): CPU and resident memory of this process while
/// the simulator holds N Pods and N ConfigMaps and nobody calls it, next to the same figures for an empty simulator
/// measured in the same run. Housekeeping that scans every Pod each tick grows with N; timers do not.
enum SimulatorBench {
    struct Row {
        var objects: Int
        var idleCPUPercent: Double
        var residentMiB: Double
    }

    /// VmRSS of this process, in MiB.
    static func residentMiB() -> Double {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS:") {
                let digits = text.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
                return digits / 1024
            }
        }
        return 0
    }

    /// One simulator holding `pairs` Pods and `pairs` ConfigMaps, measured over `seconds` of idleness.
    static func measure(pairs: Int, seconds: Double) throws -> Row {
        let directory = KubeBench.scratchDirectory()
        defer { _ = Glibc.system("rm -rf '\(directory)'") }
        var configuration = SimulatorConfiguration(outputDirectory: directory)
        configuration.namespaces = ["bench"]
        configuration.limits.maxListItems = 1_000_000
        let simulator = try APISimulator(configuration)
        try simulator.start()
        defer { simulator.stop() }
        let client = try SimulatorClient(simulator: simulator, token: simulator.adminToken)
        for index in 0..<pairs {
            let pod = Array(
                #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p\#(index)"},"spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}"#
                    .utf8)
            let configMap = Array(
                #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c\#(index)"},"data":{"main.py":"print(1)"}}"#
                    .utf8)
            guard try client.request("POST", "/api/v1/namespaces/bench/pods", body: pod).status == 201,
                try client.request("POST", "/api/v1/namespaces/bench/configmaps", body: configMap).status == 201
            else { throw BenchError("the simulator refused object \(index)") }
        }
        client.close()
        let cpuBefore = ProcessCPU.ownSeconds()
        let wallBefore = Benchmark.now()
        // The measurement is this idle interval itself.
        var pause = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var left = timespec()
        while nanosleep(&pause, &left) != 0 { pause = left }
        let wall = Double(Benchmark.now() - wallBefore) / 1e9
        return Row(
            objects: 2 * pairs, idleCPUPercent: 100 * (ProcessCPU.ownSeconds() - cpuBefore) / wall,
            residentMiB: residentMiB())
    }

    static func table(_ rows: [Row]) -> String {
        var lines = [
            "| simulator holding | idle CPU (% of a core) | process RSS |", "|---|---|---|",
        ]
        for row in rows {
            lines.append(
                "| \(row.objects) objects | \(Benchmark.format2(row.idleCPUPercent)) | \(Int(row.residentMiB)) MiB |")
        }
        return lines.joined(separator: "\n")
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
