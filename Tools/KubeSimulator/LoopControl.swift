import Glibc
import Synchronization

/// The cross-thread handle of one event loop: a stop flag and a wake-up pipe.
final class LoopControl: Sendable {
    let stopping = Atomic<Bool>(false)
    let wakeRead: Descriptor
    let wakeWrite: Descriptor

    init() throws(SimulatorError) {
        (wakeRead, wakeWrite) = try Sockets.pipe()
    }

    /// Asks the loop to stop and wakes it.
    func requestStop() {
        stopping.store(true, ordering: .releasing)
        var byte: UInt8 = 1
        _ = write(wakeWrite.fd, &byte, 1)
    }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }
}
