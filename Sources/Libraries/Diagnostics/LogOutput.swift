import Glibc
import Systemd

/// Where a process's log records go, decided once at start-up: natively to journald when stderr is the
/// journal stream systemd set up (`JOURNAL_STREAM` names stderr's device and inode) and journald's native
/// socket exists, otherwise lines on stderr in the configured format (JSON by default when not on a terminal).
/// The socket check matters: libsystemd drops entries silently when that socket is missing.
public enum LogOutput {
    /// The format for this process: `JOURNAL_STREAM` is read from the environment, stderr from descriptor 2.
    public static func detect(format: StderrLogHandler.Format, identifier: String) -> StderrLogHandler.Format {
        choose(
            format: format, identifier: identifier, journalStream: getenv("JOURNAL_STREAM").map { String(cString: $0) },
            stderr: JournalStream.of(descriptor: 2), journalSocketExists: access(Journal.socketPath, W_OK) == 0)
    }

    /// The choice given the variable, stderr's identity and whether journald's socket exists (pure).
    public static func choose(
        format: StderrLogHandler.Format, identifier: String, journalStream: String?, stderr: JournalStream?,
        journalSocketExists: Bool = true
    ) -> StderrLogHandler.Format {
        guard journalSocketExists, let journalStream, let expected = JournalStream(journalStream), expected == stderr
        else {
            return format
        }
        return .journal(identifier: identifier)
    }
}
