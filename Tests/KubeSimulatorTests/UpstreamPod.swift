import Events
import Glibc

/// The Pod from docs/upstream-contract.md §4.3 (`Tests/Fixtures/upstream/pod.json`, shared with the manifest tests),
/// moved to namespace `secure`: it satisfies Pod Security "restricted".
enum UpstreamPod {
    static let text: String = {
        let source = #filePath
        let tests = source[..<(source.firstRange(of: "/KubeSimulatorTests/")?.lowerBound ?? source.endIndex)]
        guard let file = fopen(tests + "/Fixtures/upstream/pod.json", "rb") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while case let count = fread(&buffer, 1, buffer.count, file), count > 0 { bytes += buffer[0..<count] }
        return String(decoding: bytes, as: UTF8.self)
            .replacing(#""namespace": "integr8scode""#, with: #""namespace": "secure""#)
    }()

    /// The pod as JSON.
    static var object: JSONObject { TestSupport.json(text).objectValue ?? JSONObject() }
}
