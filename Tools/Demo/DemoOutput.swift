import Glibc

/// Unbuffered writes to a descriptor: the progress line and the summary show at once, whatever stdout is.
public enum DemoOutput {
    /// Writes all of `text` to `descriptor` (gives up on an error).
    public static func write(to descriptor: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
