import Glibc
import Synchronization

/// Freezes and thaws the running supervisor for the sampler; the driver names the supervisor and thaws one left
/// frozen too long.
final class SupervisorFreezer: Sendable {
    private let pid = Atomic<Int32>(0)
    /// When the supervisor was frozen (monotonic nanoseconds), 0 while it runs.
    private let frozenAt = Atomic<UInt64>(0)

    /// The supervisor to freeze from now on; 0 for none (it is being killed or stopped). Thaws the previous one.
    func target(_ supervisor: Int32) {
        thaw()
        pid.store(supervisor, ordering: .sequentiallyConsistent)
    }

    func freeze() {
        let target = pid.load(ordering: .sequentiallyConsistent)
        guard target > 0 else { return }
        frozenAt.store(UInt64(ChaosClock.now() * 1e9), ordering: .sequentiallyConsistent)
        _ = kill(target, SIGSTOP)
    }

    func thaw() {
        guard frozenAt.exchange(0, ordering: .sequentiallyConsistent) != 0 else { return }
        let target = pid.load(ordering: .sequentiallyConsistent)
        if target > 0 { _ = kill(target, SIGCONT) }
    }

    /// Thaws a supervisor frozen for longer than `seconds`.
    func thawIfFrozen(longerThan seconds: Double) {
        let since = frozenAt.load(ordering: .sequentiallyConsistent)
        if since != 0, ChaosClock.now() - Double(since) / 1e9 > seconds { thaw() }
    }
}
