import Glibc
import KubeManifests
import Testing

/// The framed output: `STDOUT <n>\n<n bytes>STDERR <m>\n<m bytes>`, nothing before or after.
struct FramedOutput: Equatable {
    var stdout: [UInt8]
    var stderr: [UInt8]

    init?(_ bytes: [UInt8]) {
        var rest = bytes[...]
        guard let out = Self.section("STDOUT", &rest), let err = Self.section("STDERR", &rest), rest.isEmpty else {
            return nil
        }
        stdout = out
        stderr = err
    }

    private static func section(_ name: String, _ rest: inout ArraySlice<UInt8>) -> [UInt8]? {
        let header = Array((name + " ").utf8)
        guard rest.starts(with: header), let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let digits = rest[(rest.startIndex + header.count)..<newline]
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let count = Int(String(decoding: digits, as: UTF8.self)), rest.endIndex - (newline + 1) >= count
        else { return nil }
        let body = Array(rest[(newline + 1)..<(newline + 1 + count)])
        rest = rest[(newline + 1 + count)...]
        return body
    }
}

/// The five termination-log lines, in order.
struct TerminationLog {
    var exitCode: Int
    var cpuJiffies: Int
    var clkTck: Int
    var peakMemoryKB: Int
    var wallSeconds: String

    init?(_ text: String?) {
        guard let text, text.hasSuffix("\n") else { return nil }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        let keys = ["exit_code", "cpu_jiffies", "clk_tck", "peak_memory_kb", "wall_seconds"]
        guard lines.count == 5 else { return nil }
        var values: [String] = []
        for (line, key) in zip(lines, keys) {
            guard line.hasPrefix(key + "=") else { return nil }
            values.append(String(line.dropFirst(key.count + 1)))
        }
        guard let exit = Int(values[0]), let cpu = Int(values[1]), let tck = Int(values[2]), let peak = Int(values[3])
        else { return nil }
        exitCode = exit
        cpuJiffies = cpu
        clkTck = tck
        peakMemoryKB = peak
        wallSeconds = values[4]
    }

    /// `<digits>.<6 digits>`.
    var wallHasSixDecimals: Bool {
        let parts = wallSeconds.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].count == 6
            && wallSeconds.utf8.allSatisfy {
                $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }
}

@Suite("Entrypoint script, run for real on dash, busybox ash and bash", .serialized)
struct EntrypointScriptTests {
    @Test(
        "stdout and stderr with non-ASCII bytes, exit 3: exact framing and termination log",
        arguments: ShellHarness.shells)
    func scriptOutput(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let program =
            #"printf 'h\303\251llo w\303\266rld\n'; printf 'raw \377\376 bytes'; printf '\303\253rr \342\234\223\n' >&2; exit 3"#
        let run = try harness.run(shell, ["sh", "-c", program])
        #expect(run.status == 0, "the entrypoint always exits 0")
        let framed = try #require(FramedOutput(run.stdout), "framing: \(String(decoding: run.stdout, as: UTF8.self))")
        #expect(
            framed.stdout == Array("héllo wörld\n".utf8) + Array("raw ".utf8) + [0xFF, 0xFE] + Array(" bytes".utf8))
        #expect(framed.stderr == Array("ërr ✓\n".utf8))
        #expect(run.stdout.starts(with: Array("STDOUT 26\n".utf8)))
        let log = try #require(TerminationLog(run.terminationLog), "termination log: \(run.terminationLog ?? "<none>")")
        #expect(log.exitCode == 3)
        #expect(log.clkTck > 0 && log.cpuJiffies >= 0 && log.peakMemoryKB >= 0)
        #expect(log.wallHasSixDecimals, "wall_seconds=\(log.wallSeconds)")
        #expect(
            run.stderr.isEmpty, "nothing on the entrypoint's own stderr: \(String(decoding: run.stderr, as: UTF8.self))"
        )
        #expect(run.tmpEntries.isEmpty, "temporary files removed: \(run.tmpEntries)")
    }

    @Test("no argv: exit 127 and upstream's exact output", arguments: ShellHarness.shells)
    func noCommand(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let run = try harness.run(shell, [])
        #expect(run.status == 127)
        #expect(
            String(decoding: run.stdout, as: UTF8.self) == "STDOUT 0\nSTDERR 38\nEntrypoint Error: No command provided."
        )
        #expect(run.terminationLog == "exit_code=127\ncpu_jiffies=0\nclk_tck=100\npeak_memory_kb=0\nwall_seconds=0\n")
        #expect(run.stderr.isEmpty)
    }

    @Test(
        "TERM to the entrypoint: forwarded to the command, results still written, exit 143",
        arguments: ShellHarness.shells)
    func terminated(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let marker = harness.directory + "/started"
        let pid = try harness.start(
            shell, ["sh", "-c", "echo partial output; echo oops >&2; touch '\(marker)'; exec sleep 30"])
        #expect(harness.waitForFile(marker, seconds: 10), "the command started")
        ShellHarness.sleep(milliseconds: 20)
        let sentAt = ShellHarness.now()
        kill(pid, SIGTERM)
        let run = try harness.wait(pid, seconds: 10)
        #expect(ShellHarness.now() - sentAt < 2, "TERM was forwarded, not waited out")
        #expect(run.status == 143)
        let framed = try #require(FramedOutput(run.stdout), "framing: \(String(decoding: run.stdout, as: UTF8.self))")
        #expect(framed.stdout == Array("partial output\n".utf8))
        #expect(framed.stderr == Array("oops\n".utf8))
        let log = try #require(TerminationLog(run.terminationLog), "termination log: \(run.terminationLog ?? "<none>")")
        #expect(log.exitCode == 143, "the command died of TERM")
        #expect(log.wallHasSixDecimals)
        #expect(run.stderr.isEmpty)
    }

    @Test("a command that ignores TERM is KILLed after ENTRYPOINT_KILL_AFTER", arguments: ShellHarness.shells)
    func killedAfterGrace(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let marker = harness.directory + "/started"
        let program = "trap '' TERM; echo stubborn; touch '\(marker)'; while :; do sleep 1; done"
        let pid = try harness.start(
            shell, ["sh", "-c", program], environment: [EntrypointScript.killAfterVariable: "1"])
        #expect(harness.waitForFile(marker, seconds: 10), "the command started")
        let sentAt = ShellHarness.now()
        kill(pid, SIGTERM)
        let run = try harness.wait(pid, seconds: 10)
        let elapsed = ShellHarness.now() - sentAt
        #expect(elapsed >= 0.9 && elapsed < 4, "KILL came after about 1 s (took \(elapsed) s)")
        #expect(run.status == 143)
        #expect(FramedOutput(run.stdout)?.stdout == Array("stubborn\n".utf8))
        #expect(TerminationLog(run.terminationLog)?.exitCode == 137)
        #expect(run.stderr.isEmpty, "no job-control chatter: \(String(decoding: run.stderr, as: UTF8.self))")
    }

    @Test("argv reaches the program unchanged (spaces, globs, quotes, empty strings)", arguments: ShellHarness.shells)
    func argvFidelity(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let run = try harness.run(shell, ["printf", "%s|", "a  b", "*", "'\"", "", "$HOME", "-n"])
        #expect(FramedOutput(run.stdout)?.stdout == Array("a  b|*|'\"||$HOME|-n|".utf8))
        #expect(TerminationLog(run.terminationLog)?.exitCode == 0)
    }

    @Test("an unknown program: exit_code 127 with the shell's message in stderr", arguments: ShellHarness.shells)
    func unknownProgram(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let run = try harness.run(shell, ["no-such-program-k8sw"])
        #expect(run.status == 0)
        let framed = try #require(FramedOutput(run.stdout))
        #expect(framed.stdout.isEmpty)
        #expect(String(decoding: framed.stderr, as: UTF8.self).contains("no-such-program-k8sw"))
        #expect(TerminationLog(run.terminationLog)?.exitCode == 127)
    }

    @Test("binary output with no trailing newline: byte counts exact", arguments: ShellHarness.shells)
    func binaryOutput(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let run = try harness.run(
            shell, ["sh", "-c", "dd if=/dev/zero bs=1000 count=200 2>/dev/null; printf 'end' >&2"])
        let framed = try #require(FramedOutput(run.stdout))
        #expect(framed.stdout == [UInt8](repeating: 0, count: 200_000))
        #expect(framed.stderr == Array("end".utf8))
    }

    @Test("CPU time and peak memory are sampled", arguments: ShellHarness.shells)
    func sampling(shell: ShellHarness.Shell) throws {
        let harness = try ShellHarness()
        let run = try harness.run(shell, ["sh", "-c", "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; echo $i"])
        #expect(FramedOutput(run.stdout)?.stdout == Array("400000\n".utf8))
        let log = try #require(TerminationLog(run.terminationLog))
        #expect(log.exitCode == 0)
        #expect(log.cpuJiffies > 0, "cpu_jiffies=\(log.cpuJiffies)")
        #expect(log.peakMemoryKB > 0, "peak_memory_kb=\(log.peakMemoryKB)")
        #expect(log.clkTck == 100)
        #expect((Double(log.wallSeconds) ?? 0) > 0)
    }

    @Test("the embedded text is plain POSIX sh with the documented knobs")
    func text() {
        #expect(EntrypointScript.text.hasPrefix("#!/bin/sh\n"))
        #expect(EntrypointScript.text.hasSuffix("exit 0\n"))
        #expect(EntrypointScript.text.contains("${TERMINATION_LOG:-/dev/termination-log}"))
        #expect(EntrypointScript.text.contains("trap on_signal TERM INT"))
        #expect(EntrypointScript.invocation == ["/bin/sh", "/entry/entrypoint.sh"])
        #expect(!EntrypointScript.text.contains("\r"))
    }
}
