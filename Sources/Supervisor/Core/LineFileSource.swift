import Glibc
import Platform
import IPC
import Diagnostics
import Logging

/// A development and test source: a text file of `key<TAB>payload` lines, followed like `tail -f`.
///
/// It behaves like one Kafka partition: the line number is the offset, the committed position (next line to
/// read) is saved atomically in the offset file only up to the lowest line that is not finished, and a
/// restart resumes from there. Results are appended to a JSON-lines journal when one is configured, before the
/// position can move past them. It exists so that the supervisor can be run and tested without Kafka.
public final class LineFileSource: CommandSource {
    private let path: String
    private let journalPath: String
    private let commitInterval: Duration
    private var logger = Logger(label: "k8s-worker.source")
    private var file: Int32 = -1
    private var journal: Int32 = -1
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var nextOffset: Int64 = 0
    private var tracker = CommitTracker()
    private var lastCommit: Instant?
    private var atEnd = false
    private var malformed = 0

    private let stopAtEnd: Bool

    private let offsetPath: String

    /// - Parameters:
    ///   - offsetFile: where the committed position is kept; empty means `<path>.offset`.
    ///   - stopAtEnd: treat the end of the file as the end of the input instead of waiting for more lines.
    public init(
        path: String, offsetFile: String = "", journal: String, commitInterval: Duration, stopAtEnd: Bool = false
    ) {
        self.path = path
        self.offsetPath = offsetFile.isEmpty ? path + ".offset" : offsetFile
        self.journalPath = journal
        self.commitInterval = commitInterval
        self.stopAtEnd = stopAtEnd
    }

    public var descriptors: [Int32] { [] }
    public var isSettled: Bool { true }
    public var isExhausted: Bool { stopAtEnd && atEnd && pendingStart == pending.count }
    public var status: String { "lines at \(tracker.lowWaterMark(partition: 0) ?? nextOffset)" }

    public func start(logger: Logger, control: any SourceControl) throws(SupervisorError) {
        self.logger = logger
        file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw SupervisorError.system("open \(path)") }
        if !journalPath.isEmpty {
            journal = open(journalPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard journal >= 0 else { throw SupervisorError.system("open \(journalPath)") }
        }
        let committed = Self.readCommitted(offsetPath)
        tracker.reset(partition: 0, position: committed)
        tracker.confirmCommit(partition: 0, position: committed)
        logger.info("lines source opened", metadata: ["path": "\(path)", "committed": "\(committed)"])
        // Skip the lines already committed.
        while nextOffset < committed, readLine() != nil { nextOffset += 1 }
    }

    public func fetch(max: Int, now: Instant) -> [SourceCommand] {
        var commands: [SourceCommand] = []
        while commands.count < max, let line = readLine() {
            let offset = nextOffset
            nextOffset += 1
            guard let tab = line.firstIndex(of: UInt8(ascii: "\t")), tab > line.startIndex,
                let key = String(validating: line[..<tab], as: UTF8.self)
            else {
                // A line we cannot read is reported and skipped, never retried forever.
                malformed += 1
                logger.warning("malformed line skipped", metadata: ["offset": "\(offset)"])
                tracker.track(partition: 0, offset: offset)
                record(
                    offset: offset, key: "", outcome: "malformed", reason: "expected key<TAB>payload", worker: nil,
                    attempts: 0)
                tracker.markDone(partition: 0, offset: offset)
                continue
            }
            tracker.track(partition: 0, offset: offset)
            let payload = Array(line[line.index(after: tab)...])
            commands.append(
                SourceCommand(
                    origin: CommandOrigin(partition: 0, offset: offset), key: key, payload: payload,
                    logContext: ["partition": "0", "offset": "\(offset)"]))
        }
        return commands
    }

    public func finish(_ command: FinishedCommand) {
        let (outcome, reason) = Self.describe(command.outcome)
        record(
            offset: command.origin.offset, key: command.key, outcome: outcome, reason: reason,
            worker: command.worker, attempts: command.attempts)
        tracker.markDone(partition: command.origin.partition, offset: command.origin.offset)
    }

    public func tick(now: Instant) {
        guard lastCommit.map({ now.since($0) >= commitInterval }) ?? true else { return }
        lastCommit = now
        commit()
    }

    public func nextDeadline(now: Instant) -> Instant? {
        let commitAt = (lastCommit ?? now) + commitInterval
        // At end of file, look for appended lines every 20 ms.
        return atEnd ? min(commitAt, now + .milliseconds(20)) : commitAt
    }

    public func close(deadline: Instant) {
        commit()
        if file >= 0 { Glibc.close(file) }
        if journal >= 0 { Glibc.close(journal) }
        file = -1
        journal = -1
    }

    private func commit() {
        for (partition, position) in tracker.committable() {
            let target = offsetPath
            let temporary = target + ".tmp"
            let text = "\(position)\n"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                logger.error("cannot save position", metadata: ["error": "\(String(cString: strerror(errno)))"])
                return
            }
            let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            _ = fsync(fd)
            Glibc.close(fd)
            guard written == text.utf8.count, rename(temporary, target) == 0 else {
                logger.error("cannot save position", metadata: ["error": "\(String(cString: strerror(errno)))"])
                return
            }
            tracker.confirmCommit(partition: partition, position: position)
        }
    }

    /// The next complete line, without its newline; `nil` if none is complete yet.
    private func readLine() -> ArraySlice<UInt8>? {
        while true {
            if let newline = pending[pendingStart...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pendingStart..<newline]
                pendingStart = newline + 1
                atEnd = false
                return line
            }
            pending.removeSubrange(0..<pendingStart)
            pendingStart = 0
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = read(file, &chunk, chunk.count)
            guard count > 0 else {
                atEnd = true
                return nil
            }
            pending.append(contentsOf: chunk[0..<count])
        }
    }

    private func record(
        offset: Int64, key: String, outcome: String, reason: String?, worker: WorkerID?, attempts: UInt32
    ) {
        guard journal >= 0 else { return }
        var line = "{\"offset\":\(offset),\"key\":\(StderrLogHandler.quote(key)),\"outcome\":\"\(outcome)\""
        if let reason { line += ",\"reason\":\(StderrLogHandler.quote(reason))" }
        if let worker { line += ",\"worker\":\(worker.rawValue)" }
        line += ",\"attempts\":\(attempts)}\n"
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(journal, $0.baseAddress, $0.count) }
            if written <= 0 {
                if errno == EINTR { continue }
                logger.error("journal write failed", metadata: ["error": "\(String(cString: strerror(errno)))"])
                return
            }
            offset += written
        }
    }

    static func describe(_ outcome: CommandOutcome) -> (String, String?) {
        switch outcome {
        case .created: ("created", nil)
        case .deleted: ("deleted", nil)
        case .completed: ("completed", nil)
        case .failed(let reason): ("failed", reason)
        case .retryLater(let reason, _): ("retry-later", reason)  // never finished with: the supervisor retries it
        }
    }

    static func readCommitted(_ path: String) -> Int64 {
        guard let text = try? ConfigurationLoader.readFile(path) else { return 0 }
        return Int64(text.trimmed) ?? 0
    }
}
