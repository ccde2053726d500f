/// One log line from librdkafka, routed through the client's event queue (`log.queue=true`) and handed to the
/// caller's log handler on the thread that calls `poll`. librdkafka's lines never contain message payloads.
public struct KafkaLogLine: Hashable, Sendable {
    /// Syslog severity, as librdkafka reports it.
    public struct Level: Hashable, Sendable, Comparable, CustomStringConvertible {
        /// The syslog level number, 0 (emergency) to 7 (debug).
        public let syslogValue: Int32

        /// Creates a level from a syslog number.
        public init(syslogValue: Int32) {
            self.syslogValue = syslogValue
        }

        /// System is unusable (0).
        public static let emergency = Level(syslogValue: 0)
        /// Action must be taken immediately (1).
        public static let alert = Level(syslogValue: 1)
        /// Critical condition (2).
        public static let critical = Level(syslogValue: 2)
        /// Error (3).
        public static let error = Level(syslogValue: 3)
        /// Warning (4).
        public static let warning = Level(syslogValue: 4)
        /// Normal but significant (5).
        public static let notice = Level(syslogValue: 5)
        /// Informational (6).
        public static let info = Level(syslogValue: 6)
        /// Debug (7), emitted only when the `debug` property is set.
        public static let debug = Level(syslogValue: 7)

        /// Lower numbers are more severe, so `.error < .info`.
        public static func < (lhs: Level, rhs: Level) -> Bool {
            lhs.syslogValue < rhs.syslogValue
        }

        /// A textual form for logs and diagnostics.
        public var description: String {
            switch syslogValue {
            case 0: "emergency"
            case 1: "alert"
            case 2: "critical"
            case 3: "error"
            case 4: "warning"
            case 5: "notice"
            case 6: "info"
            default: "debug"
            }
        }
    }

    /// Severity.
    public var level: Level
    /// librdkafka's facility tag (for example `FAIL`, `REQTMOUT`, `CGRPOP`).
    public var facility: String
    /// The text; lines about one broker begin with `[thrd:<broker>]: `.
    public var message: String

    /// The client that logged it, as librdkafka names it (`rd_kafka_name`, e.g. `k8s-worker-host#consumer-1`).
    public var client: String

    /// Creates a log line.
    public init(level: Level, facility: String, message: String, client: String = "") {
        self.level = level
        self.facility = facility
        self.message = message
        self.client = client
    }
}

/// Receives librdkafka log lines; called synchronously from `poll`/`flush` on the caller's thread.
public typealias KafkaLogHandler = (KafkaLogLine) -> Void
