import Glibc
import Platform

// Helpers shared by the test targets (a library, because test targets cannot depend on one another). Nothing
// here is linked into a shipped binary.

/// Plain threads for tests that need real parallel blocking callers (Swift's cooperative pool has one thread per
/// core, so blocking clients on it would not run at once).
public enum TestThreads {
    /// Runs `count` threads, each calling `body(index)`, and waits for all of them.
    public static func run(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let threads = (0..<count).compactMap { index in try? PlatformThread.start { body(index) } }
        precondition(threads.count == count, "cannot start \(count) test threads")
        for thread in threads { thread.join() }
    }
}

/// Scratch directories under /tmp.
public enum Scratch {
    /// A fresh directory `/tmp/<prefix>-XXXXXX` (keep `prefix` short where AF_UNIX paths, limited to 108 bytes,
    /// are made inside it).
    public static func directory(prefix: String) -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else {
                preconditionFailure("mkdtemp /tmp/\(prefix)-XXXXXX: \(String(cString: strerror(errno)))")
            }
            return String(cString: result)
        }
    }

    /// Removes a directory tree below /tmp (test scratch space only: anything else is left alone).
    public static func remove(_ path: String) {
        guard path.hasPrefix("/tmp/"), !path.contains("/../") else { return }
        guard let directory = opendir(path) else { return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != "." && name != ".." else { continue }
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var info = stat()
                isDirectory = lstat("\(path)/\(name)", &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
            }
            if isDirectory {
                remove("\(path)/\(name)")
            } else {
                unlink("\(path)/\(name)")
            }
        }
        closedir(directory)
        rmdir(path)
    }
}

/// Polling against a deadline, for conditions no event announces.
public enum Poll {
    /// Checks `condition` every `interval` until it holds or `timeout` passes; returns whether it held (checked once
    /// more at the deadline).
    public static func until(
        timeout: Duration, every interval: Duration = .milliseconds(2), _ condition: () -> Bool
    ) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        let (seconds, attoseconds) = interval.components
        while clock.now < deadline {
            if condition() { return true }
            var pause = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            nanosleep(&pause, nil)
        }
        return condition()
    }
}

/// Files of this repository (found from this source file's path), for tests that check shipped files.
public enum RepositoryFile {
    /// The repository root.
    public static let root: String = {
        let source = #filePath
        return String(source[..<(source.firstRange(of: "/Tools/TestKit/")?.lowerBound ?? source.endIndex)])
    }()

    /// The absolute path of `relative` (e.g. `deploy/kubernetes/rbac.yaml`).
    public static func path(_ relative: String) -> String { "\(root)/\(relative)" }

    /// The file's text, or "" when it cannot be read.
    public static func text(_ relative: String) -> String {
        guard let file = fopen(path(relative), "rb") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while case let count = fread(&buffer, 1, buffer.count, file), count > 0 { bytes += buffer[0..<count] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
