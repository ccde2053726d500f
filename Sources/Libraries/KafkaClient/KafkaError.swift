internal import CRdKafka
import Glibc

/// The one error type of the `KafkaClient` module.
///
/// Retry decisions read ``isRetriable`` and ``isFatal``, never ``message``. Two errors are equal when their
/// ``code`` is equal; the message, flags and source location are diagnostics only.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a closed set of static constants (see `KafkaError+Code.swift`).
    public let code: Code
    /// A human-readable explanation. It never contains message payloads.
    public let message: String
    /// Whether repeating the same operation later may succeed (for example a full local queue or a broker that
    /// is temporarily unreachable).
    public let isRetriable: Bool
    /// Whether the client instance is unusable from now on and must be recreated (for example a fatal
    /// idempotent-producer error reported by `rd_kafka_fatal_error`).
    public let isFatal: Bool
    /// For ``Code/configuration`` errors: the librdkafka property that was rejected, when it is known.
    public let property: String?
    /// The source file that raised the error.
    public let file: String
    /// The source line that raised the error.
    public let line: Int

    /// Creates an error. Retriability defaults to the librdkafka response-error semantics of `code`.
    public init(
        code: Code,
        message: String,
        isRetriable: Bool? = nil,
        isFatal: Bool = false,
        property: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable ?? code.isRetriableByDefault
        self.isFatal = isFatal || code == .fatal
        self.property = property
        self.file = file
        self.line = line
    }

    /// A textual form for logs and diagnostics.
    public var description: String {
        var text = "KafkaError(\(code)"
        if let property { text += ", property: \(property)" }
        text += "): \(message)"
        if isFatal { text += " [fatal]" } else if isRetriable { text += " [retriable]" }
        return text
    }

    /// Errors are equal when their codes are equal.
    public static func == (lhs: KafkaError, rhs: KafkaError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}

// MARK: - Factories used at the C boundary

extension KafkaError {
    /// Wraps a librdkafka response error code, using librdkafka's own text unless `message` is given.
    static func rdKafka(
        _ err: rd_kafka_resp_err_t,
        message: String? = nil,
        isFatal: Bool = false,
        file: String = #fileID,
        line: Int = #line
    ) -> KafkaError {
        KafkaError(
            code: Code(err),
            message: message ?? String(cString: rd_kafka_err2str(err)),
            isFatal: isFatal,
            file: file,
            line: line)
    }

    /// Converts a librdkafka `rd_kafka_error_t` and destroys it: the pointer must not be used afterwards.
    static func consuming(
        _ error: OpaquePointer,
        file: String = #fileID,
        line: Int = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let code = Code(rd_kafka_error_code(error))
        let text = rd_kafka_error_string(error).map { String(cString: $0) } ?? code.description
        return KafkaError(
            code: code,
            message: text,
            isRetriable: rd_kafka_error_is_retriable(error) != 0 || code.isRetriableByDefault,
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            file: file,
            line: line)
    }

    /// A rejected configuration property, or a configuration that librdkafka refused as a whole.
    static func configuration(
        property: String?,
        message: String,
        file: String = #fileID,
        line: Int = #line
    ) -> KafkaError {
        KafkaError(
            code: .configuration, message: message, isRetriable: false, property: property, file: file, line: line)
    }

    /// An operation that is not valid in the object's current state (for example use after `close()`).
    static func invalidState(_ message: String, file: String = #fileID, line: Int = #line) -> KafkaError {
        KafkaError(code: .invalidState, message: message, isRetriable: false, file: file, line: line)
    }

    /// A failed system call, with its errno rendered by `strerror`.
    static func system(_ call: String, errno value: Int32, file: String = #fileID, line: Int = #line) -> KafkaError {
        let reason = strerror(value).map { String(cString: $0) } ?? "errno \(value)"
        return KafkaError(code: .system, message: "\(call): \(reason)", isRetriable: false, file: file, line: line)
    }
}
