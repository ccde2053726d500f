internal import COpenSSL

/// Turns the calling thread's OpenSSL error queue into a ``SimulatorError`` (and empties the queue).
enum OpenSSLFailure {
    /// The error for a failed `call`, with OpenSSL's own reason strings appended.
    static func error(_ call: String) -> SimulatorError {
        SimulatorError(.openSSL, "\(call) failed\(drainQueue())")
    }

    /// Every queued OpenSSL error as `: reason; reason`, or "" when the queue is empty.
    static func drainQueue() -> String {
        var reasons: [String] = []
        while reasons.count < 8 {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        ERR_clear_error()
        return reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
    }
}
