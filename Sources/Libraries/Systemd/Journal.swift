internal import CSystemd
import Glibc

/// Native journald logging through `sd_journal_sendv(3)`: one entry per call, each field `NAME=value`, values
/// binary-safe (line feeds included). Thread-safe, as libsystemd's journal functions are.
///
/// Like a write to stderr, sending can block while journald does not read. A refused entry returns `false` so
/// callers can fall back to stderr — but libsystemd reports success when the socket does not exist at all, so
/// check ``socketPath`` before choosing this output.
public enum Journal {
    /// journald's native socket; libsystemd silently drops entries when it does not exist.
    public static let socketPath = "/run/systemd/journal/socket"

    /// Sends one entry. Names must be valid journal field names (`[A-Z0-9_]`, not starting with `_` or a digit);
    /// see ``JournalFields``. Returns whether libsystemd accepted the entry.
    public static func send(_ fields: [(name: String, value: String)]) -> Bool {
        guard !fields.isEmpty else { return false }
        var storage: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = storage.count
            storage.append(contentsOf: field.name.utf8)
            storage.append(UInt8(ascii: "="))
            storage.append(contentsOf: field.value.utf8)
            ranges.append(start..<storage.count)
        }
        return storage.withUnsafeMutableBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            var vectors = ranges.map { iovec(iov_base: base + $0.lowerBound, iov_len: $0.count) }
            return sd_journal_sendv(&vectors, Int32(vectors.count)) >= 0
        }
    }
}
