import Platform

/// The ledger shared by the traffic thread and the driver, behind one lock.
final class SharedLedger: Sendable {
    private let state = Locked(ChaosLedger())

    func withLock<Result: Sendable>(_ body: (inout ChaosLedger) -> Result) -> Result {
        state.withLock { body(&$0) }
    }
}
