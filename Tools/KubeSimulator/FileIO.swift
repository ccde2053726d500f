import Glibc

/// Small file helpers on plain POSIX calls (no Foundation).
enum FileIO {
    /// Writes `bytes` to `path` atomically (temporary file, fsync, rename) with permissions `mode`.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(SimulatorError) {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("open \(temporary)") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(
                    descriptor, UnsafeRawBufferPointer(rebasing: raw[offset...]).baseAddress, raw.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let error = failure("write \(temporary)")
                close(descriptor)
                unlink(temporary)
                throw error
            }
            offset += written
        }
        _ = fchmod(descriptor, mode)
        _ = fsync(descriptor)
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw failure("rename \(path)")
        }
    }

    /// Writes text (UTF-8).
    static func write(_ text: String, to path: String, mode: mode_t) throws(SimulatorError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// Reads a whole file of at most `limit` bytes.
    static func read(_ path: String, limit: Int) throws(SimulatorError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open \(path)") }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure("read \(path)") }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
            guard result.count <= limit else { throw SimulatorError(.file, "\(path) is larger than \(limit) bytes") }
        }
    }

    /// Creates `path` (and missing parents) with mode 0700.
    static func makeDirectory(_ path: String) throws(SimulatorError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/\(component)"
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw failure("mkdir \(prefix)") }
        }
    }

    /// Identity of a file's current contents (inode, size, mtime), or `nil` when it does not exist.
    static func stamp(_ path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }

    /// Whether `path` exists.
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Writes a line to standard error (unbuffered, thread-safe).
    static func printError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    private static func failure(_ call: String) -> SimulatorError {
        SimulatorError(.file, "\(call): \(String(cString: strerror(errno)))")
    }
}
