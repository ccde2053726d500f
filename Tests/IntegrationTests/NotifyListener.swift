import Glibc

/// A fake `NOTIFY_SOCKET`: an `AF_UNIX` datagram socket bound by the test. It records every datagram with the
/// sender's pid (SCM_CREDENTIALS, as systemd itself identifies senders).
final class NotifyListener {
    struct Datagram {
        var pid: pid_t
        var text: String
        var receivedAt: Double
        var fields: [String: String] {
            var result: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                result[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return result
        }
    }

    let path: String
    private let descriptor: Int32
    private(set) var received: [Datagram] = []

    init(directory: String) {
        path = directory + "/notify.sock"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        var on: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_PASSCRED, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(descriptor) }

    /// Reads every datagram that arrives within `seconds` (returns early when `until` holds).
    @discardableResult
    func collect(for seconds: Double, until: (([Datagram]) -> Bool)? = nil) -> [Datagram] {
        let deadline = TestSupport.monotonicSeconds() + seconds
        while TestSupport.monotonicSeconds() < deadline {
            if let until, until(received) { break }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(1, (deadline - TestSupport.monotonicSeconds()) * 1000))
            guard poll(&poller, 1, min(remaining, 50)) > 0 else { continue }
            receiveOne()
        }
        return received
    }

    /// Waits until some datagram satisfies `predicate`; returns it.
    func waitFor(_ seconds: Double, _ predicate: @escaping (Datagram) -> Bool) -> Datagram? {
        collect(for: seconds) { $0.contains(where: predicate) }
        return received.first(where: predicate)
    }

    private func receiveOne() {
        var buffer = [UInt8](repeating: 0, count: 8192)
        var control = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlBytes.count
                    let count = recvmsg(descriptor, &message, Int32(MSG_DONTWAIT))
                    return (count, message.msg_controllen)
                }
            }
        }
        guard count.0 > 0 else { return }
        // cmsghdr (16 bytes on 64-bit) followed by struct ucred { pid, uid, gid }.
        var pid: pid_t = 0
        if count.1 >= 16 + 12 {
            pid = control.withUnsafeBytes { $0.load(fromByteOffset: 16, as: pid_t.self) }
        }
        received.append(
            Datagram(
                pid: pid, text: String(decoding: buffer[0..<count.0], as: UTF8.self),
                receivedAt: TestSupport.monotonicSeconds()))
    }
}
