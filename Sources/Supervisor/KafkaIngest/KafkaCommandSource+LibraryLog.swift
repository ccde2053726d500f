import Platform
import KafkaClient
import Logging
import SupervisorCore

extension KafkaCommandSource {
    /// Logs one librdkafka line as its own record: the text as the message, `kafka.facility` and `kafka.client`
    /// as fields, the syslog level mapped to swift-log's; repeats are rate-limited (see ``KafkaLogThrottle``).
    func logLibraryLine(_ line: KafkaLogLine) {
        let level = Self.logLevel(of: line.level)
        guard logger.logLevel <= level else { return }
        let now = Duration.nanoseconds(Int64(clamping: Instant.now().nanoseconds))
        guard case .pass(let suppressed) = logThrottle.admit(line, now: now) else { return }
        var metadata: Logger.Metadata = ["kafka.facility": "\(line.facility)", "kafka.client": "\(line.client)"]
        if suppressed > 0 { metadata["kafka.suppressed"] = "\(suppressed)" }
        logger.log(level: level, "\(line.message)", metadata: metadata)
    }

    /// Syslog severity to swift-log level: 0–2 critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    static func logLevel(of level: KafkaLogLine.Level) -> Logger.Level {
        switch level.syslogValue {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}
