import Glibc

/// An executable installed beside the running one: `k8s-worker-process` for the pool, `k8s-worker-demo` for
/// `k8s-worker demo`. Found through `/proc/self/exe`, so neither `PATH` nor the current directory is consulted.
public enum SiblingExecutable {
    /// `name` in the directory of the running executable, or `name` alone if that cannot be read.
    public static func path(_ name: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return name }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return directory + "/" + name
    }
}
