import IPC

/// What a worker does with one command. Called concurrently from the worker's executor threads; a handler
/// returns an outcome for every command (failures are values) and should respect the deadline.
public protocol CommandHandler: Sendable {
    func handle(_ command: DispatchedCommand) -> CommandOutcome

    /// Whether `command` can be answered without I/O or waiting (e.g. a validation failure). Such commands run on
    /// the thread that read them without passing the reading role on, which saves a thread wake-up.
    func canAnswerImmediately(_ command: DispatchedCommand) -> Bool
}

extension CommandHandler {
    public func canAnswerImmediately(_ command: DispatchedCommand) -> Bool { false }
}
