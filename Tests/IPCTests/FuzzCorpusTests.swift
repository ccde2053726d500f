import Glibc
import IPC
import Testing

/// The IPC fuzzer's seeds (Fuzz/corpus/ipc-frame) are real frames of this build: a seed the decoder refuses
/// (say, after a protocol version change) would only ever exercise the first error path.
@Suite struct FuzzCorpusTests {
    static let directory: String = {
        let file = #filePath
        let tests = file[..<(file.firstRange(of: "/Tests/IPCTests/")?.lowerBound ?? file.endIndex)]
        return tests + "/Fuzz/corpus/ipc-frame"
    }()

    static let seeds = [
        "dispatch", "dispatch-context", "hello", "ping-drain-shutdown", "result-created", "result-deleted",
        "result-failed", "result-retry-completed-pong", "statistics", "statistics-given-up", "welcome",
    ]

    @Test(arguments: seeds)
    func seedDecodesAndReencodes(name: String) throws {
        let bytes = try #require(readFile(Self.directory + "/" + name), "missing seed \(name)")
        // The first byte picks the fuzzer's read size; the frames follow.
        let frames = try decodeAll(Array(bytes.dropFirst()), chunks: [])
        #expect(!frames.isEmpty)
        for frame in frames {
            let original = Frame.encode(type: frame.type, payload: Array(frame.payload))
            let reencoded = (try? SupervisorMessage(frame: frame).frame()) ?? (try? WorkerMessage(frame: frame).frame())
            #expect(reencoded == original, "\(name): frame type \(frame.type)")
        }
    }
}

/// A whole small file, or `nil`.
private func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    var bytes = [UInt8](repeating: 0, count: max(0, ftell(file)))
    rewind(file)
    return fread(&bytes, 1, bytes.count, file) == bytes.count ? bytes : nil
}
