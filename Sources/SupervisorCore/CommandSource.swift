import IPC
import Logging

/// One command read from a source.
public struct SourceCommand: Sendable {
    public var origin: CommandOrigin
    /// The ordering key.
    public var key: String
    /// The body handed to the worker.
    public var payload: [UInt8]

    public init(origin: CommandOrigin, key: String, payload: [UInt8]) {
        self.origin = origin
        self.key = key
        self.payload = payload
    }
}

/// A command the supervisor is done with, and how it ended.
public struct FinishedCommand: Sendable {
    public var origin: CommandOrigin
    public var key: String
    public var outcome: CommandOutcome
    /// The worker that reported it; `nil` when the supervisor failed it (quarantine).
    public var worker: WorkerID?
    public var attempts: UInt32
}

/// Where commands come from and where their results go: a local file for development and tests, Kafka in
/// production. A source owns its commit discipline: it may only commit past a command after ``finish(_:)``
/// for it, and after whatever it must do with the result (publish events) has succeeded.
///
/// All methods are called on the supervisor's event loop and must not block, except ``close()``.
public protocol CommandSource: AnyObject {
    /// A descriptor that becomes readable when ``fetch(max:now:)`` has something, or `nil` if the source is
    /// polled on ``nextDeadline()`` only.
    var descriptor: Int32? { get }
    /// Opens the source.
    func start(logger: Logger) throws(SupervisorError)
    /// Up to `max` new commands, without blocking.
    func fetch(max: Int, now: Instant) -> [SourceCommand]
    /// A command is finished (succeeded, failed, or quarantined).
    func finish(_ command: FinishedCommand)
    /// Periodic work: commits, retries.
    func tick(now: Instant)
    /// When ``tick(now:)`` or ``fetch(max:now:)`` should next run even if nothing else happens.
    func nextDeadline(now: Instant) -> Instant?
    /// Whether everything finished has also been fully handled (results published, offsets committable).
    var isSettled: Bool { get }
    /// Whether the source has ended and will never yield another command (a finite input read to its end).
    /// The supervisor then shuts down by itself once everything accepted is finished.
    var isExhausted: Bool { get }
    /// Final commit and release. May block briefly; called once, at shutdown.
    func close()
    /// A short description for STATUS.
    var status: String { get }
}
