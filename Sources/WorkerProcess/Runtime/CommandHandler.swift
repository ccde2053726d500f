import IPC

/// What a worker does with one command. Called concurrently from the worker's executor threads; a handler
/// returns an outcome for every command (failures are values) and should respect the deadline.
public protocol CommandHandler: Sendable {
    func handle(_ command: DispatchedCommand) -> CommandOutcome

    /// Whether `command` can be answered without I/O or waiting (e.g. a validation failure). Such commands run on
    /// the thread that read them without passing the reading role on, which saves a thread wake-up.
    func canAnswerImmediately(_ command: DispatchedCommand) -> Bool

    /// The handler's counters since the worker started, reported to the supervisor for its metrics; `nil` for a
    /// handler that keeps none. Called between commands from any thread: must be cheap and thread-safe.
    func statistics() -> WorkerStatistics?
}

extension CommandHandler {
    public func canAnswerImmediately(_ command: DispatchedCommand) -> Bool { false }
    public func statistics() -> WorkerStatistics? { nil }
}
