import Diagnostics
import Glibc
import Logging
import Systemd
import Testing

/// Journald output without a journald: the entry's fields are pure, and the choice of output follows
/// `JOURNAL_STREAM` only when it names stderr itself.
@Suite struct JournalTests {
    static func fields(_ metadata: Logger.Metadata, level: Logger.Level = .warning) -> [String: String] {
        let entry = JournalFields.entry(
            level: level, message: "command deferred", identifier: "k8s-worker", label: "k8s-worker",
            metadata: metadata,
            file: "Sources/Supervisor/Core/Supervisor+Workers.swift", function: "handle(_:from:now:)", line: 42)
        return Dictionary(entry.map { ($0.name, $0.value) }) { first, _ in first }
    }

    @Test func standardFieldsAndUpperCasedMetadata() {
        let fields = Self.fields([
            "execution.id": "5b0f0f6e", "worker.id": "w3", "partition": "2", "offset": "17", "topic": "saga_commands",
        ])
        #expect(fields["MESSAGE"] == "command deferred")
        #expect(fields["PRIORITY"] == "4")
        #expect(fields["SYSLOG_IDENTIFIER"] == "k8s-worker")
        #expect(fields["LOGGER"] == "k8s-worker")
        #expect(fields["CODE_LINE"] == "42" && fields["CODE_FUNC"] == "handle(_:from:now:)")
        #expect(fields["EXECUTION_ID"] == "5b0f0f6e")
        #expect(fields["WORKER_ID"] == "w3")
        #expect(fields["PARTITION"] == "2" && fields["OFFSET"] == "17" && fields["TOPIC"] == "saga_commands")
    }

    @Test func metadataNeverOverridesTheFixedFields() {
        let entry = JournalFields.entry(
            level: .info, message: "real", identifier: "k8s-worker", label: "l",
            metadata: ["message": "fake", "priority": "0"],
            file: "f", function: "g", line: 1)
        #expect(entry.filter { $0.name == "MESSAGE" }.map(\.value) == ["real"])
        #expect(entry.filter { $0.name == "PRIORITY" }.map(\.value) == ["6"])
        #expect(entry.contains { $0.name == "META_MESSAGE" && $0.value == "fake" })
    }

    @Test(
        arguments: [
            ("execution.id", "EXECUTION_ID"), ("worker.pid", "WORKER_PID"), ("kafka-topic", "KAFKA_TOPIC"),
            ("_hidden", "HIDDEN"),
            ("2fa", "F2FA"), ("é", nil), ("___", nil), ("clé.x", "CL__X"),
        ] as [(String, String?)])
    func fieldNames(key: String, expected: String?) {
        #expect(JournalFields.fieldName(key) == expected)
    }

    @Test func fieldNamesAreValidAndBounded() {
        let long = JournalFields.fieldName(String(repeating: "a.", count: 100))
        #expect(long?.count == 64)
        #expect(long?.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" } == true)
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func priorities(level: Logger.Level, expected: Int) {
        #expect(JournalFields.priority(level) == expected)
    }

    @Test func journalStreamParsing() {
        #expect(JournalStream("8:12345") == JournalStream(device: 8, inode: 12345))
        for bad in ["", "8", "8:", ":1", "a:b", "8:1:2", "-1:2", " 8:1", "8:1 "] {
            #expect(JournalStream(bad) == nil, "\(bad)")
        }
    }

    static func choose(
        _ variable: String?, _ stderr: JournalStream?, socket: Bool = true, format: StderrLogHandler.Format = .json
    ) -> StderrLogHandler.Format {
        LogOutput.choose(
            format: format, identifier: "k", journalStream: variable, stderr: stderr, journalSocketExists: socket)
    }

    @Test func outputIsTheJournalOnlyWhenTheVariableNamesStderr() {
        let stderr = JournalStream(device: 64769, inode: 991)
        #expect(Self.choose("64769:991", stderr) == .journal(identifier: "k"))
        #expect(Self.choose("64769:992", stderr) == .json)
        #expect(Self.choose(nil, stderr, format: .text) == .text)
        #expect(Self.choose("garbage", stderr) == .json)
        #expect(Self.choose("64769:991", nil) == .json)
        // No journald socket (a container that inherited the variable): libsystemd would drop every entry.
        #expect(Self.choose("64769:991", stderr, socket: false) == .json)
    }

    @Test func aRedirectedStderrFallsBackToLines() throws {
        // This process's real stderr, and another file: the variable naming the other file must not match.
        let path = "/tmp/diagnostics-journal-\(getpid())"
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        defer {
            close(fd)
            unlink(path)
        }
        let other = try #require(JournalStream.of(descriptor: fd))
        let real = try #require(JournalStream.of(descriptor: 2))
        #expect(other != real)
        let variable = "\(other.device):\(other.inode)"
        #expect(Self.choose(variable, JournalStream.of(descriptor: 2)) == .json)
        #expect(Self.choose(variable, JournalStream.of(descriptor: fd)) == .journal(identifier: "k"))
    }
}
