import Events
import Glibc

/// A small blocking HTTPS/1.1 client for tests: verifies the server against a CA (verification is always on),
/// reuses one keep-alive connection, and authenticates with a bearer token and/or a client certificate.
///
/// Not thread-safe: use one client per thread. A failed request closes the connection; the next request opens a
/// new one. Writes block SIGPIPE on the calling thread for their duration, so a closed socket is an error, not a
/// signal.
public final class SimulatorClient {
    /// A complete response.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// Header fields, names lowercased.
        public var headers: [(name: String, value: String)]
        /// The body.
        public var body: [UInt8]

        /// The first value of header `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name == lower }?.value
        }

        /// The body parsed as JSON, or `nil`.
        public var json: JSONValue? { try? JSONParser().parse(body) }

        /// The body parsed as a JSON object, or an empty object.
        public var object: JSONObject { json?.objectValue ?? JSONObject() }

        /// The body as text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let host: String
    private let port: UInt16
    private let context: TLSContext
    private let token: String?
    private let timeout: Duration
    private var socket: Descriptor?
    private var session: TLSSession?
    private var buffered: [UInt8] = []

    /// TCP+TLS connections opened so far (1 when keep-alive worked throughout).
    public private(set) var connectionsOpened = 0

    /// A client for `host:port` trusting `caPEM`.
    public init(
        host: String = "127.0.0.1", port: UInt16, caPEM: String, token: String? = nil, certificatePEM: String? = nil,
        keyPEM: String? = nil, timeout: Duration = .seconds(10)
    ) throws(SimulatorError) {
        self.host = host
        self.port = port
        self.token = token
        self.timeout = timeout
        context = try TLSContext.client(caPEM: caPEM, certificatePEM: certificatePEM, keyPEM: keyPEM)
    }

    /// A client for `simulator`, with its bearer token by default, or its client certificate.
    public convenience init(
        simulator: APISimulator, token: String? = nil, useClientCertificate: Bool = false
    ) throws(SimulatorError) {
        try self.init(
            port: simulator.port, caPEM: simulator.caPEM,
            token: useClientCertificate ? token : (token ?? simulator.token),
            certificatePEM: useClientCertificate ? simulator.clientCertificatePEM : nil,
            keyPEM: useClientCertificate ? simulator.clientKeyPEM : nil)
    }

    deinit { close() }

    /// Closes the connection (the next request reconnects).
    public func close() {
        if let session { withSigpipeBlocked { session.shutdown() } }
        session = nil
        socket?.close()
        socket = nil
        buffered = []
    }

    /// Sends one request and reads the response.
    public func request(
        _ method: String, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
        headers: [(name: String, value: String)] = []
    ) throws(SimulatorError) -> Response {
        do {
            try connectIfNeeded()
            var head =
                "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: simulator-client/1.0\r\nAccept: application/json\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            for header in headers { head += "\(header.name): \(header.value)\r\n" }
            if let body {
                head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
            }
            head += "\r\n"
            try send(Array(head.utf8) + (body ?? []))
            var response = try readResponse(isHead: method == "HEAD")
            while response.status >= 100 && response.status < 200 {
                response = try readResponse(isHead: method == "HEAD")
            }
            if response.header("connection")?.lowercased() == "close" { close() }
            return response
        } catch {
            close()
            throw error
        }
    }

    /// Sends a JSON body (`application/json` unless `contentType` says otherwise).
    public func request(
        _ method: String, _ path: String, json: JSONValue, contentType: String = "application/json"
    ) throws(SimulatorError) -> Response {
        try request(method, path, body: JSONWriter.encode(json), contentType: contentType)
    }

    private func connectIfNeeded() throws(SimulatorError) {
        if session != nil { return }
        let isIPv6 = host.contains(":")
        let fd = Glibc.socket(
            isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw transport("socket") }
        let descriptor = Descriptor(fd)
        var interval = timeval(
            tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let connected = try Sockets.withAddress(host: host, port: port) { connect(fd, $0, $1) }
        guard connected == 0 else { throw transport("connect \(host):\(port)") }
        let tlsSession = try TLSSession(context: context, descriptor: fd, isServer: false)
        try tlsSession.expectServer(host: host)
        let progress = withSigpipeBlocked { tlsSession.handshake() }
        guard progress == .done(0) else {
            throw SimulatorError(.transport, "TLS handshake with \(host):\(port) failed: \(progress)")
        }
        socket = descriptor
        session = tlsSession
        buffered = []
        connectionsOpened += 1
    }

    private func send(_ bytes: [UInt8]) throws(SimulatorError) {
        guard let session else { throw SimulatorError(.transport, "not connected") }
        var offset = 0
        while offset < bytes.count {
            let start = offset
            let progress = withSigpipeBlocked {
                bytes.withUnsafeBytes { session.write(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            }
            switch progress {
            case .done(let count): offset += count
            case .closed: throw SimulatorError(.connectionClosed, "the server closed the connection while sending")
            default: throw SimulatorError(.transport, "TLS write failed: \(progress)")
            }
        }
    }

    private func readResponse(isHead: Bool) throws(SimulatorError) -> Response {
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find([13, 10, 13, 10], in: buffered)
            if headerEnd == nil {
                guard buffered.count < 1024 * 1024 else {
                    throw SimulatorError(.transport, "response header too large")
                }
                try fill()
            }
        }
        guard let end = headerEnd else { throw SimulatorError(.transport, "no response header") }
        let lines = String(decoding: buffered[0..<end], as: UTF8.self).split(
            separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw SimulatorError(.transport, "malformed status line")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (
                    String(line[line.startIndex..<colon]).lowercased(),
                    String(line[line.index(after: colon)...]).trimmingSpaces
                ))
        }
        buffered.removeFirst(end + 4)
        var response = Response(status: status, headers: headers, body: [])
        if isHead || status < 200 || status == 204 || status == 304 { return response }
        guard let lengthText = response.header("content-length"), let length = Int(lengthText), length >= 0,
            length <= 256 * 1024 * 1024
        else {
            throw SimulatorError(.transport, "the response has no usable Content-Length")
        }
        while buffered.count < length { try fill() }
        response.body = Array(buffered[0..<length])
        buffered.removeFirst(length)
        return response
    }

    private func fill() throws(SimulatorError) {
        guard let session else { throw SimulatorError(.transport, "not connected") }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let progress = chunk.withUnsafeMutableBytes { session.read(into: $0) }
        switch progress {
        case .done(let count): buffered.append(contentsOf: chunk[0..<count])
        case .closed:
            throw SimulatorError(.connectionClosed, "the server closed the connection before a complete response")
        case .wantRead, .wantWrite: throw SimulatorError(.transport, "timed out waiting for the server")
        case .failed(let message): throw SimulatorError(.transport, message)
        }
    }

    private func withSigpipeBlocked<Result>(_ body: () -> Result) -> Result {
        var block = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        let result = body()
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 {
            var zero = timespec()
            _ = sigtimedwait(&block, nil, &zero)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return result
    }

    private func transport(_ call: String) -> SimulatorError {
        SimulatorError(.transport, "\(call): \(String(cString: strerror(errno)))")
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}
