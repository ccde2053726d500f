/// Receives one response's header lines and body from libcurl's callbacks, enforcing the body size cap.
///
/// Owned by one ``CurlEasy`` and touched only by the thread performing its transfer.
final class ResponseCollector {
    /// Header fields of the latest response (a `100 Continue` or an earlier response's fields are dropped).
    private(set) var headers: [(String, String)] = []
    /// The body received so far.
    private(set) var body: [UInt8] = []
    /// Set when the body passed ``limit`` and the transfer was aborted.
    private(set) var overflowed = false
    /// The body size cap.
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Forgets the previous transfer.
    func reset() {
        headers = []
        body = []
        overflowed = false
    }

    /// Appends body bytes; `false` aborts the transfer (the body would pass the cap).
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            overflowed = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Takes one raw header line (with its CRLF). A status line starts a new response.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = Substring(decoding: bytes, as: UTF8.self)
        while let last = line.last, last == "\r" || last == "\n" { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            headers = []
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon]
        var value = line[line.index(after: colon)...]
        while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
        while let last = value.last, last == " " || last == "\t" { value.removeLast() }
        headers.append((String(name), String(value)))
    }
}
