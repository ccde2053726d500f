import Platform
import IPC
import Logging
import SupervisorCore

/// A command source for benchmarks: hands out `total` no-op commands over distinct keys, either one at a time
/// (latency) or as fast as the supervisor takes them (throughput), and timestamps each round trip.
final class BenchSource: CommandSource {
    private let total: Int
    private let oneAtATime: Bool
    private let keys: Int
    private var issued = 0
    private var started: [Int64: UInt64] = [:]
    private(set) var latencies: [UInt64] = []
    private(set) var firstIssue: UInt64 = 0
    private(set) var lastFinish: UInt64 = 0
    private let onDone: () -> Void

    private let payload: [UInt8]
    /// Per-command payloads (e.g. create commands with distinct execution ids); overrides `payload`.
    private let payloadFor: ((Int) -> [UInt8])?
    /// Finished commands whose outcome was not `completed`, `created` or `deleted`.
    private(set) var unsuccessful: [CommandOutcome] = []

    init(
        total: Int, oneAtATime: Bool, payload: String = "noop", keys: Int = 4096, payloadFor: ((Int) -> [UInt8])? = nil,
        onDone: @escaping () -> Void
    ) {
        self.payload = Array(payload.utf8)
        self.payloadFor = payloadFor
        self.total = total
        self.oneAtATime = oneAtATime
        self.keys = keys
        self.onDone = onDone
    }

    var descriptors: [Int32] { [] }
    var isSettled: Bool { true }
    var isExhausted: Bool { false }
    var status: String { "bench \(latencies.count)/\(total)" }
    var finished: Int { latencies.count }

    func start(logger: Logger, control: any SourceControl) {}

    func fetch(max: Int, now: Instant) -> [SourceCommand] {
        let allowed = oneAtATime ? (started.isEmpty ? 1 : 0) : max
        let count = Swift.min(allowed, total - issued)
        guard count > 0 else { return [] }
        let stamp = Instant.now().nanoseconds
        if issued == 0 { firstIssue = stamp }
        var commands: [SourceCommand] = []
        commands.reserveCapacity(count)
        for _ in 0..<count {
            let offset = Int64(issued)
            issued += 1
            started[offset] = stamp
            commands.append(
                SourceCommand(
                    origin: CommandOrigin(partition: 0, offset: offset), key: "k\(offset % Int64(keys))",
                    payload: payloadFor?(Int(offset)) ?? payload))
        }
        return commands
    }

    func finish(_ command: FinishedCommand) {
        let now = Instant.now().nanoseconds
        switch command.outcome {
        case .completed, .created, .deleted: break
        default: unsuccessful.append(command.outcome)
        }
        if let start = started.removeValue(forKey: command.origin.offset) { latencies.append(now - start) }
        lastFinish = now
        if latencies.count == total { onDone() }
    }

    func tick(now: Instant) {}
    func nextDeadline(now: Instant) -> Instant? { nil }
    func close(deadline: Instant) {}
}
