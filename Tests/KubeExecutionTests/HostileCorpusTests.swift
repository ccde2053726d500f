import Events
import Glibc
import IPC
import KubeClient
import KubeExecution
import KubeManifests
import KubeSimulator
import SagaBridge
import Testing

/// The committed hostile-input corpus (`Tests/Fixtures/hostile`, written by its `generate.py`): each record goes
/// through the supervisor's triage and, when it is a command, through the Kubernetes handler against the
/// simulator. Each must end exactly as `cases.tsv` says — dead-lettered with its kind, failed with a clear
/// reason, or created with its values clamped — and none may disturb the others.
@Suite(.serialized) struct HostileCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var topic: String
        var expected: String
        var testDescription: String { "\(file) → \(expected)" }
    }

    static let directory: String = {
        let source = #filePath
        let tests = source[..<(source.range(of: "/KubeExecutionTests/")?.lowerBound ?? source.endIndex)]
        return tests + "/Fixtures/hostile"
    }()

    static let cases: [Case] = {
        guard let text = read(directory + "/cases.tsv").map({ String(decoding: $0, as: UTF8.self) }) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            return fields.count == 3 ? Case(file: fields[0], topic: fields[1], expected: fields[2]) : nil
        }
    }()

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// The record's bytes; `generated:` cases are built here rather than committed.
    static func value(of testCase: Case) -> [UInt8]? {
        switch testCase.file {
        case "generated:too-large":
            return [UInt8](repeating: UInt8(ascii: " "), count: 10 << 20)
        case "generated:script-too-large":
            let script = String(repeating: "x", count: (1 << 20) + 10)
            return createCommand("00000000-0000-4000-8000-000000998001").replacingScript(with: script)
        case "generated:record-at-limit", "generated:record-under-limit", "generated:record-over-limit":
            // A valid command padded with trailing white space (valid JSON) to the triage's default limit.
            let limit = CommandTriage(layout: .standard).maxRecordBytes
            let size =
                testCase.file.hasSuffix("at-limit")
                ? limit : testCase.file.hasSuffix("under-limit") ? limit - 1 : limit + 1
            let command = createCommand("00000000-0000-4000-8000-00000099810\(size - limit + 1)")
            return command + [UInt8](repeating: UInt8(ascii: " "), count: size - command.count)
        case "generated:script-at-limit", "generated:script-under-limit", "generated:script-over-limit":
            let limit = ManifestSettings(namespace: "executions").maxScriptBytes
            let size =
                testCase.file.hasSuffix("at-limit")
                ? limit : testCase.file.hasSuffix("under-limit") ? limit - 1 : limit + 1
            let command = createCommand("00000000-0000-4000-8000-00000099820\(size - limit + 1)")
            return command.replacingScript(with: String(repeating: "x", count: size))
        default:
            return read(directory + "/" + testCase.file)
        }
    }

    @Test("the corpus is present and complete")
    func corpusIsPresent() {
        #expect(Self.cases.count >= 25, "cases.tsv not found or short under \(Self.directory)")
        for testCase in Self.cases where !testCase.file.hasPrefix("generated:") {
            #expect(Self.read(Self.directory + "/" + testCase.file) != nil, "\(testCase.file) is missing")
        }
    }

    @Test("every hostile record ends as its case says", arguments: cases)
    func hostileRecord(_ testCase: Case) throws {
        let value = try #require(Self.value(of: testCase))
        let layout: TopicLayout = testCase.topic == "saga_commands" ? .standard : .perEventType
        let record = ConsumedRecord(
            topic: testCase.topic, partition: 0, offset: 0, key: nil, value: value,
            headers: [OutgoingRecord.Header(RecordHeaders.contentType, "application/json")])
        let verdict = CommandTriage(layout: layout).triage(record, now: .epoch)
        if testCase.expected.hasPrefix("dlq:") {
            guard case .deadLetter(let kind, let reason) = verdict else {
                Issue.record("\(testCase.file): expected a dead letter, got a command")
                return
            }
            #expect("dlq:" + kind == testCase.expected)
            #expect(!reason.isEmpty && reason.count <= 210, "a short reason: \(reason)")
            #expect(!reason.unicodeScalars.contains { $0.value < 0x20 }, "no control characters reach headers and logs")
            return
        }
        guard case .command(let command) = verdict else {
            Issue.record("\(testCase.file): dead-lettered, expected \(testCase.expected): \(verdict)")
            return
        }
        let cluster = try ClusterHarness()
        if testCase.file == "delete-foreign-pod.json" {
            let foreign =
                #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"executor-\#(command.executionID)","labels":{"app":"someone-else"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
            _ = try cluster.client.create(
                "/api/v1/namespaces/\(cluster.namespace)/pods", body: Array(foreign.utf8), deadline: .after(.seconds(5))
            )
        }
        let outcome = try cluster.run(value)
        switch outcome {
        case .failed(let reason):
            #expect(testCase.expected.hasPrefix("failed:"), "\(testCase.file): failed with \(reason)")
            #expect(reason.contains(testCase.expected.dropFirst("failed:".count)), "\(testCase.file): \(reason)")
            #expect(reason.count <= 300 && !reason.contains("MARKER-SCRIPT"))
        case .created(let podName, _, _):
            #expect(testCase.expected == "created", "\(testCase.file): created")
            let pod = try #require(cluster.simulator.object(namespace: cluster.namespace, kind: "Pod", name: podName))
            let spec = pod["spec"]?.objectValue
            let deadline = spec?["activeDeadlineSeconds"]?.numberValue?.int64Value ?? .max
            #expect(deadline <= Int64(ResourcePolicy().maxTimeoutSeconds) + 60, "timeout clamped: \(deadline)")
            let labels = pod["metadata"]?.objectValue?["labels"]?.objectValue
            for member in labels?.members ?? [] {
                #expect(member.value.stringValue.map(LabelSanitizer.isValidValue) == true, "label \(member.key)")
            }
        case .deleted, .completed, .retryLater:
            Issue.record("\(testCase.file): unexpected \(outcome)")
        }
        #expect(cluster.orphanConfigMaps().isEmpty)
    }
}

extension Array where Element == UInt8 {
    /// A create command's bytes with its script replaced (JSON-escaped as plain ASCII).
    func replacingScript(with script: String) -> [UInt8] {
        let text = String(decoding: self, as: UTF8.self)
        return Array(text.replacing(#""script":"print('MARKER-SCRIPT')\n""#, with: "\"script\":\"\(script)\"").utf8)
    }
}
