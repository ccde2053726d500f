#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Locates and reads the shared golden fixtures without Foundation.
///
/// The goldens are committed as `Tests/Fixtures/wire/upstream-encoded.jsonl` (where they come from:
/// `Tests/Fixtures/README.md` and docs/upstream-contract.md); walk up from this source file to the directory
/// holding `Package.swift` to find them. Their SHA-256 is pinned (``sha256``), so an edit cannot pass unnoticed.
enum FixtureFile {
    /// Why the fixture could not be read; the test fails with this message (it never skips).
    struct Missing: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "golden fixture upstream-encoded.jsonl not found; looked at: " + searched.joined(separator: ", ")
        }
    }

    static let repositoryPath = "Tests/Fixtures/wire/upstream-encoded.jsonl"
    /// The digest of the goldens as recorded from upstream's encoder (`Tests/Fixtures/README.md`).
    static let sha256 = "13cadd20bf7bb3288d16ba7b07312ef0dfb3a10ccec68e1ab9891faa93bf33b4"

    /// The committed copy.
    static func candidatePaths(from filePath: String = #filePath) -> [String] {
        packageRoot(from: filePath).map { [$0 + "/" + repositoryPath] } ?? []
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
