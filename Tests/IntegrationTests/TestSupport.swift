import Chaos
import Glibc
import Platform
import TestKit

/// Small process and file helpers for tests that run the real binaries.
enum TestSupport {
    /// The directory holding the built executables (next to the test bundle).
    static let binDirectory = ChaosSettings.executableDirectory

    static var supervisorBinary: String { binDirectory + "/k8s-worker" }
    static var workerBinary: String { binDirectory + "/k8s-worker-process" }

    /// A fresh directory under /tmp (short, because AF_UNIX paths are limited to 108 bytes).
    static func makeTemporaryDirectory() -> String { Scratch.directory(prefix: "k8sw") }

    static func removeDirectory(_ path: String) { Scratch.remove(path) }

    static func write(_ text: String, to path: String) {
        guard let file = fopen(path, "w") else { return }
        fputs(text, file)
        fclose(file)
    }

    static func append(_ text: String, to path: String) {
        guard let file = fopen(path, "a") else { return }
        fputs(text, file)
        fclose(file)
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[0..<count]
            if count < chunk.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Runs a command to completion and returns its exit status (for rm, unshare helpers, etc.).
    @discardableResult
    static func run(_ argv: [String]) -> Int32 { Spawn.run(argv) ?? -1 }

    /// Runs a command with stdout sent to `output`; returns the exit status.
    static func run(_ argv: [String], stdoutTo output: String) -> Int32 {
        let options = Spawn.Options(fileActions: [
            .open(1, path: output, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
        ])
        return Spawn.run(argv, options: options) ?? -1
    }

    static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        _ = nanosleep(&request, nil)
    }

    /// Polls `condition` every 10 ms until it holds or `seconds` pass. Returns whether it held.
    @discardableResult
    static func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        Poll.until(timeout: .milliseconds(Int(seconds * 1000)), every: .milliseconds(10), condition)
    }

    static func monotonicSeconds() -> Double { Double(Instant.now().nanoseconds) / 1e9 }

    static func monotonicMicroseconds() -> UInt64 { Instant.now().nanoseconds / 1000 }

    /// Children of `parent`, from /proc/*/stat.
    static func children(of parent: pid_t) -> [pid_t] { ProcessTable.children(of: parent) }

    /// The one-letter state of a process (R, S, Z, T …), or nil if it is gone.
    static func state(of pid: pid_t) -> Character? { ProcessTable.state(of: pid) }

    static func isAlive(_ pid: pid_t) -> Bool { ProcessTable.isAlive(pid) }

    /// Number of open descriptors of a process.
    static func descriptorCount(of pid: pid_t) -> Int { descriptors(of: pid).count }

    /// The descriptor count with short-lived descriptors filtered out: the fewest seen over a few samples.
    /// sd_notify opens a datagram socket for each message and a spawn holds a pipe for a moment, so a single
    /// read can land on one of them.
    static func settledDescriptorCount(of pid: pid_t, samples: Int = 10) -> Int {
        var fewest = Int.max
        for _ in 0..<samples {
            fewest = min(fewest, descriptorCount(of: pid))
            usleep(10_000)
        }
        return fewest
    }

    static func descriptors(of pid: pid_t) -> [Int] { ProcessTable.descriptors(of: pid) }

    /// A `Name:\tvalue` line from /proc/<pid>/status.
    static func statusField(_ field: String, of pid: pid_t) -> String? {
        guard let status = read("/proc/\(pid)/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.dropFirst(field.count + 1).trimmingSpaces
        }
        return nil
    }

    /// The soft and hard limits of "Max core file size" in `/proc/<pid>/limits`, e.g. `0 0` or `unlimited unlimited`.
    static func coreSizeLimit(of pid: pid_t) -> String? {
        guard let limits = read("/proc/\(pid)/limits") else { return nil }
        for line in limits.split(separator: "\n") where line.hasPrefix("Max core file size") {
            return line.dropFirst("Max core file size".count).split(separator: " ").prefix(2).joined(separator: " ")
        }
        return nil
    }

    /// The owner of a file, `nil` if it cannot be examined.
    static func owner(of path: String) -> uid_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_uid : nil
    }

    /// The environment of a process.
    static func environment(of pid: pid_t) -> [String] {
        guard let text = read("/proc/\(pid)/environ") else { return [] }
        return text.split(separator: "\0").map(String.init)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
