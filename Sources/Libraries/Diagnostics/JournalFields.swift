import Logging

/// The fields of one journal entry for a log record (pure, so it is tested without a journald).
///
/// `MESSAGE`, `PRIORITY` (syslog: critical 2 … debug and trace 7), `SYSLOG_IDENTIFIER`, `LOGGER` (the logger's
/// label), `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, then every metadata entry under its key upper-cased with
/// anything but letters and digits turned into `_` (`execution.id` → `EXECUTION_ID`, `worker.id` →
/// `WORKER_ID`). A key that would clash with one of the fixed fields is prefixed `META_`.
public enum JournalFields {
    /// The fields this type sets itself; metadata never overrides them.
    static let reserved: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "LOGGER", "CODE_FILE", "CODE_LINE", "CODE_FUNC",
    ]

    public static func entry(
        level: Logger.Level, message: String, identifier: String, label: String, metadata: Logger.Metadata,
        file: String, function: String, line: UInt
    ) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", message), ("PRIORITY", String(priority(level))), ("SYSLOG_IDENTIFIER", identifier),
            ("LOGGER", label), ("CODE_FILE", file), ("CODE_LINE", String(line)), ("CODE_FUNC", function),
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = fieldName(key) else { continue }
            fields.append((reserved.contains(name) ? "META_" + name : name, "\(value)"))
        }
        return fields
    }

    /// The syslog priority of a level.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A valid journal field name for a metadata key: ASCII letters upper-cased, digits kept, everything else
    /// `_`; no leading `_` (those are journald's trusted fields) and no leading digit; at most 64 characters.
    /// `nil` when nothing is left.
    public static func fieldName(_ key: String) -> String? {
        var name = String(
            String.UnicodeScalarView(
                key.unicodeScalars.map { scalar -> Unicode.Scalar in
                    switch scalar {
                    case "a"..."z": Unicode.Scalar(scalar.value - 32) ?? "_"
                    case "A"..."Z", "0"..."9": scalar
                    default: "_"
                    }
                }))
        while name.hasPrefix("_") { name.removeFirst() }
        guard let first = name.first else { return nil }
        if first.isNumber { name = "F" + name }
        return String(name.prefix(64))
    }
}
