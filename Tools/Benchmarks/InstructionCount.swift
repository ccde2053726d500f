import Glibc
import SupervisorCore

/// Instructions a worker process executes per create, counted by `valgrind --tool=callgrind` (issue 13, item 2):
/// unlike CPU time, the count does not depend on what else runs on the machine, so a change to the worker's code
/// shows in it even on a shared, noisy host.
///
/// The worker (Kubernetes handler, 1 worker × 8, HTTP/1.1, API simulator without added latency, the shipped
/// client settings but no rate limit) runs under callgrind in two batches of different size; the difference of
/// their totals divided by the difference of their sizes is the count per create, free of start-up and shutdown.
/// The supervisor and the simulator run natively in this process and are not counted.
enum InstructionCount {
    struct Result {
        var smallBatch: Int
        var largeBatch: Int
        var smallTotal: UInt64
        var largeTotal: UInt64
        var perCreate: Double { Double(largeTotal &- smallTotal) / Double(max(1, largeBatch - smallBatch)) }
    }

    /// - Parameter keepProfile: where to copy the larger batch's callgrind profile, if anywhere.
    static func measure(quick: Bool, keepProfile: String? = nil) throws -> Result {
        guard access("/usr/bin/valgrind", X_OK) == 0 else {
            throw SupervisorError("the instruction count needs valgrind: apt-get install valgrind (scripts/setup.sh)")
        }
        let small = quick ? 50 : 100
        let large = quick ? 250 : 600
        let smallTotal = try instructions(creates: small)
        let largeTotal = try instructions(creates: large, keepProfile: keepProfile)
        return Result(smallBatch: small, largeBatch: large, smallTotal: smallTotal, largeTotal: largeTotal)
    }

    /// The instructions one worker executed, start to exit, while `creates` commands went through it.
    static func instructions(creates: Int, keepProfile: String? = nil) throws -> UInt64 {
        let directory = KubeBench.scratchDirectory()
        defer { _ = system("rm -rf '\(directory)'") }
        let wrapper = directory + "/worker-under-callgrind"
        let script = """
            #!/bin/sh
            exec valgrind --tool=callgrind --log-file=\(directory)/valgrind.%p.log \
            --callgrind-out-file=\(directory)/callgrind.out.%p '\(Benchmark.binDirectory)/k8s-worker-process' "$@"

            """
        guard let file = fopen(wrapper, "w") else { throw SupervisorError("cannot write \(wrapper)") }
        fputs(script, file)
        fclose(file)
        chmod(wrapper, 0o755)
        let row = try KubeBench.run(
            workers: 1, concurrency: 8, latencyMilliseconds: 0, commands: creates, workerExecutable: wrapper)
        guard row.commands == creates, row.failures == 0 else {
            throw SupervisorError("callgrind run: \(row.commands) of \(creates) creates, \(row.failures) failed")
        }
        let outputs = listing(directory).filter { $0.hasPrefix("callgrind.out.") }
        guard outputs.count == 1, let text = ResidentMemory.readAll(directory + "/" + outputs[0]),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("summary:") }),
            let field = line.split(separator: " ").last, let total = UInt64(field)
        else {
            throw SupervisorError(
                "callgrind run: expected one profile with a summary in \(directory), found \(outputs)")
        }
        if let keepProfile { rename(directory + "/" + outputs[0], keepProfile) }
        return total
    }

    static func listing(_ directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func table(_ result: Result) -> String {
        [
            "| Worker instructions per create (callgrind; 1 worker × 8, HTTP/1.1, 0 ms, shipped client, no rate limit) | value |",
            "|---|---:|",
            "| batch of \(result.smallBatch) creates: worker total | \(result.smallTotal) |",
            "| batch of \(result.largeBatch) creates: worker total | \(result.largeTotal) |",
            "| **per create** (difference ÷ \(result.largeBatch - result.smallBatch)) | \(Int(result.perCreate)) |",
        ].joined(separator: "\n")
    }

    static func json(_ result: Result) -> String {
        "{\"small_batch\":\(result.smallBatch),\"large_batch\":\(result.largeBatch),"
            + "\"small_total\":\(result.smallTotal),\"large_total\":\(result.largeTotal),"
            + "\"per_create\":\(Int(result.perCreate))}"
    }
}
