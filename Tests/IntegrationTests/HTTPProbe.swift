import Glibc

/// A minimal HTTP client for the supervisor's endpoint: one request per connection, every wait bounded.
enum HTTPProbe {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// The port the supervisor logged (`metrics.listen: 127.0.0.1:0` lets the kernel choose it).
    static func port(of supervisor: SupervisorProcess, within seconds: Double = 10) -> UInt16? {
        var port: UInt16?
        TestSupport.eventually(within: seconds) {
            let log = supervisor.log()
            guard let range = log.firstRange(of: "\"metrics.address\":\"127.0.0.1:") else { return false }
            port = UInt16(log[range.upperBound...].prefix { $0.isNumber })
            return port != nil
        }
        return port
    }

    /// A connected loopback socket, or `nil`. `source` (another loopback address, `127.0.0.2`…) is the address
    /// the connection comes from, so one machine can act as several peers.
    static func connect(_ port: UInt16, from source: String? = nil) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            let bound =
                inet_pton(AF_INET, source, &local.sin_addr) == 1
                && withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                    }
                }
            guard bound else {
                close(fd)
                return nil
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Whether the server still holds `fd` open: nothing to read, no end of stream, no error (checked at once).
    static func isHeld(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads until the server closes the connection; `nil` if that does not happen within `seconds`.
    static func readToEnd(_ fd: Int32, within seconds: Double) -> [UInt8]? {
        let deadline = TestSupport.monotonicSeconds() + seconds
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline - TestSupport.monotonicSeconds()
            guard left > 0 else { return nil }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, Int32(left * 1000) + 1) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return bytes }
            if count < 0 { return errno == EINTR ? nil : bytes }
            bytes += chunk[0..<count]
        }
    }

    /// Sends `request` as is and reads the whole response.
    static func exchange(
        _ port: UInt16, _ request: [UInt8], within seconds: Double = 5, head: Bool = false
    ) -> Response? {
        guard let fd = connect(port) else { return nil }
        defer { close(fd) }
        guard send(fd, request), let bytes = readToEnd(fd, within: seconds) else { return nil }
        return parse(bytes, head: head)
    }

    static func get(_ port: UInt16, _ path: String, method: String = "GET", within seconds: Double = 5) -> Response? {
        exchange(
            port,
            Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: k8s-worker-tests\r\n\r\n".utf8),
            within: seconds, head: method == "HEAD")
    }

    /// Status, headers and body; checks that `Content-Length` matches the body (a `HEAD` answer has none).
    static func parse(_ bytes: [UInt8], head: Bool = false) -> Response? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.firstRange(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingSpaces
        }
        let body = String(text[split.upperBound...])
        guard let length = headers["content-length"].flatMap(Int.init), head ? body.isEmpty : length == body.utf8.count
        else {
            return nil
        }
        return Response(status: status, headers: headers, body: body)
    }
}
