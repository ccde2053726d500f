#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Locates and reads the shared golden fixtures without Foundation.
///
/// A byte-identical copy is committed as `Tests/Fixtures/wire/upstream-encoded.jsonl`, so a clone tests on its
/// own; walk up from this source file to the directory holding `Package.swift` to find it. The shared original
/// beside the repository (`../shared/fixtures/...`) is compared with the copy when it is present.
enum FixtureFile {
    /// Why the fixture could not be read; the test fails with this message (it never skips).
    struct Missing: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "golden fixture upstream-encoded.jsonl not found; looked at: " + searched.joined(separator: ", ")
        }
    }

    static let repositoryPath = "Tests/Fixtures/wire/upstream-encoded.jsonl"
    static let sharedPath = "shared/fixtures/wire/upstream-encoded.jsonl"

    /// The committed copy.
    static func candidatePaths(from filePath: String = #filePath) -> [String] {
        packageRoot(from: filePath).map { [$0 + "/" + repositoryPath] } ?? []
    }

    /// The shared original, if this checkout sits next to it.
    static func sharedOriginal(from filePath: String = #filePath) -> [UInt8]? {
        packageRoot(from: filePath).flatMap { readFile(parentDirectory(of: $0) + "/" + sharedPath) }
    }

    /// The bytes of the golden fixture.
    static func upstreamEncoded(from filePath: String = #filePath) throws -> [UInt8] {
        let candidates = candidatePaths(from: filePath)
        for path in candidates {
            if let bytes = readFile(path) { return bytes }
        }
        throw Missing(searched: candidates)
    }

    /// The nearest ancestor directory of `filePath` that contains `Package.swift`.
    static func packageRoot(from filePath: String) -> String? {
        var directory = parentDirectory(of: filePath)
        while !directory.isEmpty && directory != "/" {
            if access(directory + "/Package.swift", F_OK) == 0 { return directory }
            directory = parentDirectory(of: directory)
        }
        return nil
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Reads a whole file, or `nil` when it cannot be opened.
    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
        }
        return contents
    }
}
