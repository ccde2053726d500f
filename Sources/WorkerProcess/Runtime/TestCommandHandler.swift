import Platform
import Glibc
import IPC

/// A handler for tests and benchmarks only: the payload is a tiny instruction, not a saga command.
///
/// | payload | effect |
/// |---|---|
/// | `noop` (or anything unknown) | completes at once |
/// | `sleep <ms>` | completes after `ms` milliseconds |
/// | `fail <reason>` | fails with that reason |
/// | `transient <n>` | answers "retry later" on dispatch attempts 1…n, then completes |
/// | `crash` | the worker process exits abruptly (code 70) |
/// | `hang` | never returns (the supervisor's command deadline must catch it) |
/// | `pidfile <path> <ms>` | writes the worker's pid to `path`, then sleeps `ms` |
/// | `orphan <ms>` | leaves a grandchild process that outlives the worker by `ms` (PID 1 reaping tests) |
public struct TestCommandHandler: CommandHandler {
    public init() {}

    /// `noop`, `fail …` and unknown instructions take no time.
    public func canAnswerImmediately(_ command: DispatchedCommand) -> Bool {
        let verb = command.payload.prefix { $0 != UInt8(ascii: " ") }
        return !(["sleep", "crash", "hang", "pidfile", "orphan"].contains { Array($0.utf8)[...] == verb })
    }

    public func handle(_ command: DispatchedCommand) -> CommandOutcome {
        let text = String(decoding: command.payload, as: UTF8.self)
        let words = text.split(separator: " ", maxSplits: 2).map(String.init)
        switch words.first ?? "" {
        case "sleep":
            Self.sleep(milliseconds: words.count > 1 ? Int(words[1]) ?? 0 : 0)
        case "fail":
            return .failed(reason: words.dropFirst().joined(separator: " "))
        case "transient":
            let failures = words.count > 1 ? Int(words[1]) ?? 1 : 1
            if Int(command.attempt) <= failures { return .retryLater(reason: "simulated transient failure") }
        case "crash":
            _exit(70)
        case "hang":
            while true { Self.sleep(milliseconds: 60_000) }
        case "pidfile" where words.count == 3:
            let line = "\(getpid())\n"
            if let file = fopen(words[1], "w") {
                fputs(line, file)
                fclose(file)
            }
            Self.sleep(milliseconds: Int(words[2]) ?? 0)
        case "orphan":
            Self.leaveOrphan(milliseconds: words.count > 1 ? Int(words[1]) ?? 100 : 100)
        default:
            break
        }
        return .completed
    }

    static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }  // nanosleep(0) still waits out the timer slack (~50 µs)
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// `sh -c 'sleep N &'`: the shell exits at once (and is reaped here), its background child is re-parented.
    static func leaveOrphan(milliseconds: Int) {
        let seconds = String(format3(milliseconds))
        Spawn.run(["/bin/sh", "-c", "sleep \(seconds) &"])
    }

    private static func format3(_ milliseconds: Int) -> String {
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
