import Glibc

/// File and environment access for configuration loading: bounded reads, change stamps, path joining.
/// Every failure is a `.configuration` error naming the file and what it was for, never its contents.
package enum ConfigFiles {
    /// Identifies a file version: inode, size and modification time (nanoseconds), as seen by `stat`.
    struct Stamp: Sendable, Hashable {
        let inode: UInt64
        let size: Int64
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int
    }

    /// Reads a whole file of at most `limit` bytes. `purpose` says what the file is for, in error messages.
    package static func read(
        _ path: String, purpose: String, limit: Int = 4 * 1024 * 1024
    ) throws(KubeAPIError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw KubeAPIError.configuration("cannot open \(purpose) \(path): \(errorText(errno))")
        }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return result }
            if count < 0 {
                if errno == EINTR { continue }
                throw KubeAPIError.configuration("cannot read \(purpose) \(path): \(errorText(errno))")
            }
            guard result.count + count <= limit else {
                throw KubeAPIError.configuration("\(purpose) \(path) is larger than \(limit) bytes")
            }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    /// The file's stamp, or `nil` when it cannot be `stat`ed.
    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(
            inode: UInt64(info.st_ino), size: Int64(info.st_size), modifiedSeconds: info.st_mtim.tv_sec,
            modifiedNanoseconds: info.st_mtim.tv_nsec)
    }

    /// Whether a regular file (or a symlink to one) exists at `path`.
    package static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The directory part of `path` (`.` when there is none).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` resolved against `directory` when it is relative; `~/` expands to `$HOME`.
    package static func resolve(_ path: String, against directory: String, home: String?) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home { return home + path.dropFirst(1) }
        return directory == "/" ? "/" + path : directory + "/" + path
    }

    /// Text for an errno value.
    static func errorText(_ value: Int32) -> String {
        strerror(value).map { String(cString: $0) } ?? "errno \(value)"
    }

    /// Trims ASCII whitespace from both ends.
    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" || first == "\n" || first == "\r" {
            text.removeFirst()
        }
        while let last = text.last, last == " " || last == "\t" || last == "\n" || last == "\r" {
            text.removeLast()
        }
        return text
    }

    /// A bearer token from file or kubeconfig text: trimmed, non-empty, without control characters (which could
    /// split the `Authorization` header). `origin` names where it came from in error messages.
    package static func token(from text: String, origin: String) throws(KubeAPIError) -> String {
        let token = String(trimmed(Substring(text)))
        guard !token.isEmpty else { throw KubeAPIError.configuration("\(origin) is empty") }
        guard !token.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw KubeAPIError.configuration("\(origin) contains control characters")
        }
        return token
    }
}
