import Platform
import IPC
import Logging
import Observability

/// One command read from a source.
public struct SourceCommand: Sendable {
    public var origin: CommandOrigin
    /// The ordering key.
    public var key: String
    /// The body handed to the worker.
    public var payload: [UInt8]
    /// Log metadata naming the command and where it came from (`execution.id`, `topic`, `partition`,
    /// `offset`), added to every log line about it, in the supervisor and in the worker. Never its content.
    public var logContext: [String: String]
    /// The command's own timestamp (a saga command's `timestamp`), in milliseconds since the Unix epoch: its age,
    /// and so its expiry (`workers.max_command_age`), counts from here. `nil` for commands without one (the test
    /// handler's), which never expire.
    public var issuedAtMilliseconds: UInt64?

    public init(
        origin: CommandOrigin, key: String, payload: [UInt8], logContext: [String: String] = [:],
        issuedAtMilliseconds: UInt64? = nil
    ) {
        self.origin = origin
        self.key = key
        self.payload = payload
        self.logContext = logContext
        self.issuedAtMilliseconds = issuedAtMilliseconds
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
    /// Descriptors that become readable when the source has work (the event loop then runs ``tick(now:)``
    /// at once); a source with none is driven by ``nextDeadline(now:)`` only.
    var descriptors: [Int32] { get }
    /// Opens the source. `control` lets it take back commands it handed out (partitions revoked).
    func start(logger: Logger, control: any SourceControl) throws(SupervisorError)
    /// Up to `max` new commands, without blocking.
    func fetch(max: Int, now: Instant) -> [SourceCommand]
    /// A command is finished (succeeded, failed, or quarantined).
    func finish(_ command: FinishedCommand)
    /// Called on every turn of the event loop: handle pending I/O events, commits, retries. Must be cheap when
    /// there is nothing to do.
    func tick(now: Instant)
    /// When ``tick(now:)`` should next run even if no descriptor becomes readable.
    func nextDeadline(now: Instant) -> Instant?
    /// Whether everything finished has also been fully handled (results published, offsets committable).
    var isSettled: Bool { get }
    /// Whether the source has ended and will never yield another command (a finite input read to its end).
    /// The supervisor then shuts down by itself once everything accepted is finished.
    var isExhausted: Bool { get }
    /// Final publishes, final commit and release, all over by `deadline` (the stop's hard deadline): what cannot
    /// be done by then is left undone, uncommitted, for the next owner to redo. Blocks until then at most;
    /// called once, at shutdown.
    func close(deadline: Instant)
    /// A short description for STATUS.
    var status: String { get }
    /// Why the source cannot take work now (the reason `/readyz` gives), or `nil` when it can.
    func readinessProblem(now: Instant) -> String?
    /// The source's own metrics, built when scraped. Label values must come from a bounded set.
    func metricFamilies() -> [MetricFamily]
    /// A failure the source cannot recover from in this process: the supervisor then stops as for SIGTERM
    /// (finishing and committing what it can) and exits with the failure's status. Checked on every turn.
    var fatalFailure: SourceFailure? { get }
}

extension CommandSource {
    public func readinessProblem(now: Instant) -> String? { nil }
    public func metricFamilies() -> [MetricFamily] { [] }
    public var fatalFailure: SourceFailure? { nil }
}

/// Why a source cannot go on, and the exit status that tells the service manager what to do: 78 (EX_CONFIG,
/// which the systemd units do not restart) when only an operator can fix it, 1 when a fresh process can.
public struct SourceFailure: Sendable, Equatable {
    public var reason: String
    public var exitStatus: Int32

    public init(reason: String, exitStatus: Int32) {
        self.reason = reason
        self.exitStatus = exitStatus
    }
}

/// What the supervisor offers a source.
public protocol SourceControl: AnyObject {
    /// Removes accepted commands that no worker holds yet and whose origin matches; returns their origins.
    /// In-flight ones are left to finish (their results still reach ``CommandSource/finish(_:)``).
    func withdrawQueued(where predicate: (CommandOrigin) -> Bool) -> [CommandOrigin]
    /// Accepted commands whose origin matches and that are not finished (queued or in flight).
    func openCount(where predicate: (CommandOrigin) -> Bool) -> Int
}
