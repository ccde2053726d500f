import Glibc
import KubeSimulator
import Platform
import Synchronization

/// A thread of the run (off Swift's cooperative pool, where blocking librdkafka calls belong) that runs a body
/// until asked to stop, and keeps the reason if the body gave up.
final class WorkerThread: Sendable {
    private let name: String
    private let stopRequested = Atomic<Bool>(false)
    private let failure = Locked<String?>(nil)
    private let handle = Locked<PlatformThread?>(nil)

    init(name: String) { self.name = name }

    /// Whether ``stop()`` was called; the body checks it.
    var isStopping: Bool { stopRequested.load(ordering: .relaxed) }

    /// Why the body gave up, if it did.
    var failed: String? { failure.withLock { $0 } }

    /// Runs `body` on a new thread; what it returns is the reason it gave up (`nil` when it was stopped).
    func start(_ body: @escaping @Sendable () -> String?) throws(ChaosError) {
        do {
            let thread = try PlatformThread.start { [self] in
                if let problem = body() { failure.withLock { $0 = problem } }
            }
            handle.withLock { $0 = thread }
        } catch {
            throw ChaosError("cannot start the \(name) thread: \(error)")
        }
    }

    /// Asks the body to stop and waits for it. Idempotent.
    func stop() {
        stopRequested.store(true, ordering: .relaxed)
        guard
            let thread = handle.withLock({ value in
                defer { value = nil }
                return value
            })
        else { return }
        thread.join()
    }
}
