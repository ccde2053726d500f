import Glibc
import Platform

/// Write end of the self-pipe, read by the async-signal-safe handler.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Turns signals into bytes on a pipe that the event loop reads: the classic self-pipe.
///
/// Real `sigaction` handlers are installed (not just a blocked mask), so `/proc/<pid>/status` shows SIGHUP as
/// caught before READY=1 — systemd ≥ 253 checks that for `Type=notify-reload`. The handler only `write`s one
/// byte, which is async-signal-safe, and preserves `errno`. SIGPIPE is ignored in the supervisor; workers get
/// default dispositions back at spawn.
final class SignalPipe {
    /// The signals the supervisor handles.
    static let handled: [Int32] = [SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGCHLD]

    let readEnd: Int32

    init() throws(SupervisorError) {
        guard let pipe = Descriptors.pipe(flags: O_CLOEXEC | O_NONBLOCK) else { throw SupervisorError.system("pipe2") }
        readEnd = pipe.read
        signalPipeWriteEnd = pipe.write
        for signal in Self.handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                let saved = errno
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)
                errno = saved
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART | (signal == SIGCHLD ? SA_NOCLDSTOP : 0)
            guard sigaction(signal, &action, nil) == 0 else { throw SupervisorError.system("sigaction") }
        }
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        _ = sigaction(SIGPIPE, &ignore, nil)
        // Make sure none of them is blocked (an inherited mask would silently swallow them).
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in Self.handled + [SIGPIPE] { sigaddset(&mask, signal) }
        _ = pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }

    /// Signals received since the last call, in arrival order.
    func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            guard count > 0 else { break }
            received += buffer[0..<count].map { Int32($0) }
        }
        return received
    }
}
