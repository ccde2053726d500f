internal import CSystemd
import Glibc
import Platform

/// Speaks systemd's notify protocol (sd_notify(3)) without ever blocking the caller.
///
/// libsystemd's `sd_notify` sends on a blocking socket: when the receiver's queue is full (the kernel allows
/// only `net.unix.max_dgram_qlen` datagrams, 10 by default, and systemd may be busy) it stalls the calling
/// thread — here, the supervisor's whole event loop. So the address is captured once from `NOTIFY_SOCKET`
/// and each message is sent with `MSG_DONTWAIT`; a message that does not fit waits in a small queue
/// (a newer STATUS replaces an older one) and is retried by ``flush()`` on the next loop turn.
/// `sd_watchdog_enabled` from libsystemd still decides whether the watchdog applies to this process.
///
/// Without `NOTIFY_SOCKET` every call is a silent no-op, so the same binary runs under systemd, in a container
/// and in a terminal. The variables are never unset: workers get an environment without them instead.
public final class SystemdNotifier {
    /// Whether a notify socket was given to this process.
    public let isSupervised: Bool
    /// The watchdog timeout systemd asked for, when it is meant for this process (`WATCHDOG_PID` honoured).
    public let watchdogTimeout: Duration?
    private var address = sockaddr_un()
    private var addressLength: socklen_t = 0
    private let descriptor: Int32
    private var pending: [String] = []

    public init() {
        var usec: UInt64 = 0
        if sd_watchdog_enabled(0, &usec) > 0, usec > 0 {
            watchdogTimeout = .microseconds(Int64(clamping: usec))
        } else {
            watchdogTimeout = nil
        }
        guard let raw = getenv("NOTIFY_SOCKET"), let path = Self.parse(String(cString: raw), into: &address) else {
            isSupervised = false
            descriptor = -1
            return
        }
        addressLength = path
        descriptor = socket(
            AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        isSupervised = descriptor >= 0
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// How often to send `WATCHDOG=1`: half the timeout, as sd_watchdog_enabled(3) recommends.
    public var watchdogInterval: Duration? { watchdogTimeout.map { $0 / 2 } }

    /// Whether messages are waiting for the receiver to make room.
    public var hasPending: Bool { !pending.isEmpty }

    /// Sends raw assignments, one per line (kept well under systemd's 4 KiB datagram limit).
    public func send(_ assignments: [String]) {
        guard isSupervised else { return }
        let message = assignments.joined(separator: "\n")
        if message.hasPrefix("STATUS="), let index = pending.lastIndex(where: { $0.hasPrefix("STATUS=") }) {
            pending.remove(at: index)
        }
        pending.append(message)
        flush()
    }

    /// Retries queued messages in order; stops at the first that still does not fit.
    public func flush() {
        while let message = pending.first {
            let sent = message.utf8CString.withUnsafeBufferPointer { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(
                            descriptor, bytes.baseAddress, bytes.count - 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), $0,
                            addressLength)
                    }
                }
            }
            if sent >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                pending.removeFirst()  // sent, or failed for good (no receiver): never retried forever
            } else {
                if pending.count > 64 { pending.removeFirst(pending.count - 64) }
                return
            }
        }
    }

    /// `READY=1` with a status line.
    public func ready(status: String) { send(["READY=1", "STATUS=\(Self.sanitize(status))"]) }

    /// `RELOADING=1` stamped with CLOCK_MONOTONIC, as `Type=notify-reload` requires.
    public func reloading(status: String) {
        send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())", "STATUS=\(Self.sanitize(status))"])
    }

    /// `STOPPING=1` at the start of a drain.
    public func stopping(status: String) { send(["STOPPING=1", "STATUS=\(Self.sanitize(status))"]) }

    /// A new status line.
    public func status(_ line: String) { send(["STATUS=\(Self.sanitize(line))"]) }

    /// `WATCHDOG=1`: call only when the main loop has made progress.
    public func watchdog() { send(["WATCHDOG=1"]) }

    /// Asks for more time for the current start, reload or stop.
    public func extendTimeout(by duration: Duration) {
        send(["EXTEND_TIMEOUT_USEC=\(Self.microseconds(duration))"])
    }

    /// CLOCK_MONOTONIC in microseconds: the clock systemd compares `MONOTONIC_USEC` against.
    public static func monotonicMicroseconds() -> UInt64 { Instant.now().nanoseconds / 1_000 }

    static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000_000
    }

    /// One line of printable text: systemd ignores STATUS that is not valid UTF-8, and a newline would start a
    /// new assignment.
    static func sanitize(_ status: String) -> String {
        String(status.unicodeScalars.prefix(400).map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }

    /// Fills `address` from `NOTIFY_SOCKET`: `/path` or `@abstract` (the `@` becomes a NUL and the length
    /// covers exactly the name). Returns the address length, or nil for anything else (vsock is not supported).
    static func parse(_ text: String, into address: inout sockaddr_un) -> socklen_t? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else { return nil }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
            if first == UInt8(ascii: "@") { raw[0] = 0 }
        }
        let offset = MemoryLayout<sa_family_t>.size
        return socklen_t(offset + bytes.count + (first == UInt8(ascii: "/") ? 1 : 0))
    }
}
