import Chaos
import Glibc

/// The real `k8s-worker` binary, started by a test in its own temporary directory with a command file, a
/// journal, a configuration file and a fake notify socket.
final class SupervisorProcess {
    let directory: String
    let commandsPath: String
    let journalPath: String
    let configPath: String
    let logPath: String
    let notify: NotifyListener
    private(set) var pid: pid_t = 0
    private var exitStatus: Int32?

    /// Writes `config` (YAML, the source section is added) and starts nothing yet.
    init(config: String, commands: [String] = []) {
        directory = TestSupport.makeTemporaryDirectory()
        commandsPath = directory + "/commands.txt"
        journalPath = directory + "/journal.jsonl"
        configPath = directory + "/config.yaml"
        logPath = directory + "/supervisor.log"
        notify = NotifyListener(directory: directory)
        TestSupport.write(commands.map { $0 + "\n" }.joined(), to: commandsPath)
        writeConfig(config)
    }

    deinit {
        if pid > 0, exitStatus == nil {
            _ = kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        TestSupport.removeDirectory(directory)
    }

    /// Replaces the configuration file (for reload tests).
    func writeConfig(_ config: String) {
        let source = """
            source:
              kind: lines
              path: \(commandsPath)
              journal: \(journalPath)
              commit_interval: 100ms
            log:
              format: json
              level: debug
            metrics:
              listen: 127.0.0.1:0

            """
        TestSupport.write(source + config, to: configPath)
    }

    /// Starts the supervisor; `prefix` runs it under another program (e.g. `unshare`).
    func start(environment extra: [String: String] = [:], prefix: [String] = [], arguments: [String] = []) {
        // ProcessTable.spawn adds the sanitizer options under scripts/sanitize.sh.
        // Every supervisor of a test is its own Pod as far as `kafka.group_instance_id: auto` can tell: a broker
        // fences the older of two members with one identity (the mock cluster does not), and a restart of this
        // object keeps its identity, as a restarted container does.
        var environment = [
            "PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": notify.path,
            "POD_NAME": "itest-" + (directory.split(separator: "/").last.map(String.init) ?? "supervisor"),
        ]
        for (key, value) in extra { environment[key] = value }
        let argv = prefix + [TestSupport.supervisorBinary, "run", "--config", configPath] + arguments
        switch ProcessTable.spawn(argv, environment: environment, outputPath: logPath) {
        case .success(let started): pid = started
        case .failure(let error): preconditionFailure("\(error)")
        }
    }

    func signal(_ number: Int32) { _ = kill(pid, number) }

    func append(commands: [String]) { TestSupport.append(commands.map { $0 + "\n" }.joined(), to: commandsPath) }

    /// Waits for the process to exit; returns its exit code (or 128+signal), nil on timeout.
    func waitForExit(within seconds: Double) -> Int32? {
        if let exitStatus { return exitStatus }
        TestSupport.eventually(within: seconds) {
            exitStatus = ProcessTable.reap(pid)
            return exitStatus != nil
        }
        return exitStatus
    }

    /// Worker processes currently alive (children of the supervisor that are not zombies).
    func workers() -> [pid_t] { TestSupport.children(of: pid).filter(TestSupport.isAlive) }

    /// The journal's records.
    func journal() -> [JournalRecord] {
        (TestSupport.read(journalPath) ?? "").split(separator: "\n").compactMap(JournalRecord.init)
    }

    /// The committed position (next line to read) saved by the source.
    func committedPosition() -> Int? {
        TestSupport.read(commandsPath + ".offset").flatMap { Int($0.trimmingCharacters) }
    }

    func log() -> String { TestSupport.read(logPath) ?? "" }

    /// The latest STATUS= text received.
    func lastStatus() -> String? {
        notify.received.last { $0.fields["STATUS"] != nil }?.fields["STATUS"]
    }
}

/// One line of the source's journal.
struct JournalRecord {
    var offset: Int
    var key: String
    var outcome: String
    var attempts: Int
    var reason: String?
    var worker: Int?

    init?(_ line: Substring) {
        guard let offset = Self.number("offset", in: line), let outcome = Self.string("outcome", in: line) else {
            return nil
        }
        self.offset = offset
        self.outcome = outcome
        self.key = Self.string("key", in: line) ?? ""
        self.attempts = Self.number("attempts", in: line) ?? 0
        self.reason = Self.string("reason", in: line)
        self.worker = Self.number("worker", in: line)
    }

    private static func number(_ name: String, in line: Substring) -> Int? {
        guard let range = line.firstRange(of: "\"\(name)\":") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber || $0 == "-" })
    }

    private static func string(_ name: String, in line: Substring) -> String? {
        guard let range = line.firstRange(of: "\"\(name)\":\"") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension String {
    var trimmingCharacters: String { Substring(self).trimmingSpaces.replacing("\n", with: "") }
}
