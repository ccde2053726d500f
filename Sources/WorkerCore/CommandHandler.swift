import IPC

/// What a worker does with one command. Called concurrently from the worker's executor threads; a handler
/// returns an outcome for every command (failures are values) and should respect the deadline.
public protocol CommandHandler: Sendable {
    func handle(_ command: DispatchedCommand) -> CommandOutcome
}
