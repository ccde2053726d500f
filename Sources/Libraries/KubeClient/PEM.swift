/// PEM sniffing, enough to catch a path or base64 value that holds something else.
package enum PEM {
    /// Whether `bytes` contain a `-----BEGIN ` line.
    package static func containsBlock(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
            if Array(bytes[start..<(start + marker.count)]) == marker { return true }
        }
        return false
    }
}
