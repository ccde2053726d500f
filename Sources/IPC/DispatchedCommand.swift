/// One command handed to a worker.
public struct DispatchedCommand: Equatable, Sendable {
    /// Unique within one supervisor run; the worker echoes it in its result.
    public var id: UInt64
    /// 1 for the first dispatch, incremented each time the command is re-dispatched after a worker died.
    public var attempt: UInt32
    /// How long the worker may spend on it, retries included.
    public var deadlineMilliseconds: UInt32
    /// The ordering key (the execution id for saga commands).
    public var key: String
    /// The command body, opaque to the IPC layer.
    public var payload: [UInt8]
    /// Where the command came from, for the worker's log lines about it (e.g. `execution.id`, `topic`,
    /// `partition`, `offset`). Never secrets or command content.
    public var logContext: [String: String]
    /// When the command expires, in milliseconds since the Unix epoch (wall clock): its own timestamp plus
    /// `workers.max_command_age`. A create not carried out by then fails and creates nothing; 0 means never.
    public var expiresAtMilliseconds: UInt64
    /// Pod creation attempts a persistent server error (HTTP 500) may take, over every dispatch of the command,
    /// before the create is given up (`workers.max_create_attempts`); 0 means no bound.
    public var maxCreateAttempts: UInt32
    /// Pod creation attempts answered 500 in earlier dispatches of this command (what their retry-later
    /// outcomes reported), counted against ``maxCreateAttempts``.
    public var createAttempts: UInt32

    /// Most ``logContext`` entries sent.
    public static let maxContextEntries = 16

    public init(
        id: UInt64, attempt: UInt32, deadlineMilliseconds: UInt32, key: String, payload: [UInt8],
        logContext: [String: String] = [:], expiresAtMilliseconds: UInt64 = 0, maxCreateAttempts: UInt32 = 0,
        createAttempts: UInt32 = 0
    ) {
        self.id = id
        self.attempt = attempt
        self.deadlineMilliseconds = deadlineMilliseconds
        self.key = key
        self.payload = payload
        self.logContext = logContext
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.maxCreateAttempts = maxCreateAttempts
        self.createAttempts = createAttempts
    }
}
