import Glibc
import Logging
import Systemd

/// Writes one line per log record to standard error: JSON objects for machines, aligned text for people — or,
/// when stderr is the journal (see ``LogOutput``), one native journald entry per record whose metadata are
/// searchable fields (``JournalFields``), with a JSON line on stderr as the fallback should journald refuse it.
///
/// Each line goes out in a single `write(2)`, so lines from the supervisor and from its workers (which share
/// the same stderr) never interleave mid-line. Metadata values are written as given: callers must never put
/// scripts, tokens or other secrets into log metadata.
public struct StderrLogHandler: LogHandler {
    /// The line format.
    public enum Format: Sendable, Equatable {
        case json
        case text
        /// Native journald entries under this `SYSLOG_IDENTIFIER`.
        case journal(identifier: String)

        /// Text on a terminal, JSON otherwise (journald, files, containers).
        public static func automatic() -> Format { isatty(2) != 0 ? .text : .json }

        /// `json`, `text` or `auto`.
        public static func named(_ name: String) -> Format {
            switch name {
            case "json": .json
            case "text": .text
            default: automatic()
            }
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: Format

    public init(label: String, level: Logger.Level, format: Format, metadata: Logger.Metadata = [:]) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.metadata = metadata
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line: String
        switch format {
        case .journal(let identifier):
            let fields = JournalFields.entry(
                level: event.level, message: "\(event.message)", identifier: identifier, label: label, metadata: merged,
                file: event.file, function: event.function, line: event.line)
            if Journal.send(fields) { return }
            line = jsonLine(event, merged)
        case .json:
            line = jsonLine(event, merged)
        case .text:
            var text = "\(Self.timestamp()) \(event.level) \(label): \(event.message)"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
            line = text + "\n"
        }
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
        var text =
            "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level)\",\"logger\":\(Self.quote(label)),\"msg\":\(Self.quote("\(event.message)"))"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += ",\(Self.quote(key)):\(Self.quote("\(value)"))"
        }
        return text + "}\n"
    }

    /// UTC wall-clock time with milliseconds, e.g. `2026-11-26T15:04:05.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }

    public static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Writes a line to standard error (for command-line errors before logging is set up).
public func printError(_ message: String) {
    var bytes = Array((message + "\n").utf8)
    _ = write(2, &bytes, bytes.count)
}
