import Glibc
import Platform
import SupervisorCore
import Testing

/// Every randomized test draws from a seeded SplitMix64, so it replays exactly.
typealias SeededGenerator = SplitMix64

/// A hand-made clock: `ms(1500)` is 1.5 s after an arbitrary, non-zero origin.
func ms(_ milliseconds: Int) -> Instant {
    Instant(nanoseconds: 1_000_000_000_000 + UInt64(milliseconds) * 1_000_000)
}

/// `seconds(2.5)` on the same clock as ``ms(_:)``.
func seconds(_ value: Double) -> Instant { ms(Int((value * 1000).rounded())) }

/// A unique directory under /tmp, removed with its files when `body` returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array("/tmp/k8s-worker-unit-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))") }
    let directory = String(cString: made)
    defer {
        if let handle = opendir(directory) {
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { unlink(directory + "/" + name) }
            }
            closedir(handle)
        }
        rmdir(directory)
    }
    return try body(directory)
}

/// Writes `text` to `path`.
func writeFile(_ path: String, _ text: String) throws {
    guard let file = fopen(path, "w") else { throw TestFailure("fopen \(path)") }
    defer { fclose(file) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw TestFailure("fwrite \(path)") }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    /// Nanoseconds as an integer, for exact comparisons.
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Loads `yaml` (if any) from a fresh temporary file, under `environment` and `flags`.
func loadConfiguration(
    _ yaml: String?, environment: [String: String] = [:], flags: [(key: String, value: String)] = []
) throws -> Configuration {
    try withTemporaryDirectory { directory in
        var path: String?
        if let yaml {
            path = directory + "/k8s-worker.yaml"
            try writeFile(path!, yaml)
        }
        return try ConfigurationLoader(path: path, environment: environment, overrides: flags).load()
    }
}
