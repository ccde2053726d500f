import Synchronization

/// Connection-level counters updated by the event loops (atomics, no lock).
final class ConnectionStats: Sendable {
    let accepted = Atomic<Int>(0)
    let handshakeFailures = Atomic<Int>(0)
    let open = Atomic<Int>(0)
}
