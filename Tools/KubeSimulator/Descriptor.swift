import Glibc
import Synchronization

/// An owned file descriptor, closed in `deinit` (or earlier by `close()`).
///
/// Sendable: the descriptor number is immutable and the close-once flag is atomic. What the descriptor is used
/// for (reads on one thread, writes on another) is the user's business, as with any fd.
final class Descriptor: Sendable {
    /// The descriptor number.
    let fd: Int32
    private let closed = Atomic<Bool>(false)

    init(_ fd: Int32) { self.fd = fd }

    deinit { close() }

    /// Closes the descriptor once.
    func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { _ = Glibc.close(fd) }
    }
}
