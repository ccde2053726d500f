internal import CLinux
import Glibc
import IPC
import Logging
import Platform
import Synchronization

/// Set by the SIGTERM handler; checked by the leader after every read. An atomic, not a `sig_atomic_t`: the
/// handler runs on whichever thread the signal lands on, and the leader reading it is usually another one.
private let terminationRequested = Atomic<Int32>(0)

/// A worker process: `concurrency + 1` threads in a leader/follower pool (see ``LeaderFollower``) sharing one
/// socket to the supervisor.
///
/// Lifetime rules: the worker exits when its socket reaches end of stream (the supervisor is gone, even if it
/// was SIGKILLed), when told to shut down, or — after finishing and reporting everything it holds — when told
/// to drain or sent SIGTERM.
public final class WorkerRuntime: @unchecked Sendable {
    // `@unchecked Sendable`: the threads share `channel` (its writes are locked; only the current leader
    // reads), `threads` (internally locked), `handler` (written once by the first leader, before any other
    // thread exists) and immutable `let`s.
    private let workerID: UInt32
    private let channel: BlockingFrameChannel
    private let threads = LeaderFollower()
    private let logger: Logger
    private var handler: (any CommandHandler)?
    /// The statistics last sent, so an unchanged report is not sent again.
    private let reportedStatistics = Locked<WorkerStatistics?>(nil)

    /// Builds the handler the welcome names, from its settings; `nil` for a name it does not know. Throws
    /// (with a message for the log) when the handler cannot start.
    public typealias HandlerFactory =
        @Sendable (_ name: String, _ settings: [UInt8], _ logger: Logger) throws -> (any CommandHandler)?

    private let makeHandler: HandlerFactory

    public init(
        workerID: UInt32, descriptor: Int32 = IPCProtocol.workerDescriptor, logger: Logger,
        handlers: @escaping HandlerFactory = WorkerRuntime.builtInHandler
    ) {
        self.makeHandler = handlers
        self.workerID = workerID
        self.channel = BlockingFrameChannel(descriptor: descriptor)
        self.logger = logger
        // Anything this worker starts (a handler's helper process) must not inherit the socket: it would keep
        // the connection open after the worker dies and hide the death from the supervisor.
        Descriptors.setCloseOnExec(descriptor)
    }

    /// Ties this process's life to the supervisor: die with it (PR_SET_PDEATHSIG) and refuse to start if it is
    /// already gone.
    public static func bindToParent(expected parent: Int32) -> Bool {
        _ = clinux_set_pdeathsig(SIGKILL)
        return parent == 0 || getppid() == parent
    }

    /// Says hello, waits for the welcome, starts the thread pool and serves until exit. Returns the exit code.
    public func run() -> Int32 {
        installTerminationHandler()
        do {
            try channel.send(
                WorkerMessage.hello(protocolVersion: UInt16(IPCProtocol.version), workerID: workerID, pid: getpid())
                    .frame())
            guard let frame = try channel.receive() else { return 0 }
            guard case .welcome(let concurrency, let name, let settings) = try SupervisorMessage(frame: frame) else {
                throw IPCError(.malformedPayload, "expected welcome first")
            }
            let made: (any CommandHandler)?
            do {
                made = try makeHandler(name, settings, logger)
            } catch {
                logger.error("handler cannot start", metadata: ["handler": "\(name)", "error": "\(error)"])
                return 78
            }
            guard let chosen = made else {
                logger.error("unknown handler", metadata: ["handler": "\(name)"])
                return 78
            }
            handler = chosen
            for _ in 0..<Int(max(1, concurrency)) { startThread() }
            serve()
        } catch {
            logger.error("worker stopping on protocol error", metadata: ["error": "\(error)"])
            return 1
        }
    }

    /// The handlers every build has: `test` and `stub`.
    @Sendable public static func builtInHandler(
        named name: String, settings: [UInt8], logger: Logger
    ) -> (any CommandHandler)? {
        switch name {
        case "test": TestCommandHandler()
        case "stub": StubKubernetesHandler()
        default: nil
        }
    }

    /// One thread's life: lead or execute, forever. Exits the process when the worker is done.
    private func serve() -> Never {
        while true {
            switch threads.nextRole() {
            case .lead:
                if let command = lead() { execute(command) }
            case .execute(let command):
                execute(command)
            }
        }
    }

    /// Reads frames until one carries commands; answers pings and drain requests itself.
    private func lead() -> DispatchedCommand? {
        while true {
            let frame: Frame?
            do {
                frame = try channel.receive()
            } catch  where error.code == .interrupted {
                frame = nil
                if terminationRequested.load(ordering: .acquiring) != 0 { beginDrain(reason: "SIGTERM") }
                continue
            } catch {
                logger.error("worker stopping on protocol error", metadata: ["error": "\(error)"])
                _exit(1)
            }
            guard let frame else { _exit(0) }  // the supervisor is gone; it re-dispatches what we held
            if terminationRequested.load(ordering: .acquiring) != 0 { beginDrain(reason: "SIGTERM") }
            do {
                switch try SupervisorMessage(frame: frame) {
                case .dispatch(let command):
                    if let handler, handler.canAnswerImmediately(command) {
                        try channel.send(
                            WorkerMessage.result(commandID: command.id, outcome: handler.handle(command)).frame())
                    } else if let mine = threads.leaderReceived([command]) {
                        return mine
                    }
                case .ping(let sequence):
                    try channel.send(WorkerMessage.pong(sequence: sequence).frame())
                    try reportStatistics()
                case .drain:
                    beginDrain(reason: "drain requested")
                case .shutdown:
                    _exit(0)
                case .welcome:
                    throw IPCError(.malformedPayload, "second welcome")
                }
            } catch {
                logger.error("worker stopping on protocol error", metadata: ["error": "\(error)"])
                _exit(1)
            }
        }
    }

    private func execute(_ command: DispatchedCommand) {
        let outcome = handler?.handle(command) ?? .failed(reason: "worker has no handler")
        do {
            try channel.send(WorkerMessage.result(commandID: command.id, outcome: outcome).frame())
        } catch {
            _exit(0)  // the supervisor is gone; it re-dispatches what we held
        }
        if threads.finished() { exitDrained() }
    }

    private func beginDrain(reason: String) {
        terminationRequested.store(0, ordering: .releasing)
        logger.debug("finishing held commands, then exiting", metadata: ["reason": "\(reason)"])
        if threads.drain() { exitDrained() }
    }

    /// Drained: every command held has been answered. The final statistics go out, then the process exits.
    private func exitDrained() -> Never {
        try? reportStatistics()
        _exit(0)
    }

    /// Sends the handler's statistics if they changed since the last report.
    private func reportStatistics() throws(IPCError) {
        guard let current = handler?.statistics() else { return }
        let changed = reportedStatistics.withLock { last in
            guard last != current else { return false }
            last = current
            return true
        }
        if changed { try channel.send(WorkerMessage.statistics(current).frame()) }
    }

    private func startThread() {
        do {
            try PlatformThread.start { [self] in serve() }.detach()
        } catch {
            logger.error("cannot start a worker thread", metadata: ["error": "\(error)"])
        }
    }

    private func installTerminationHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in terminationRequested.store(1, ordering: .releasing) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: the leader's recv must return EINTR
        _ = sigaction(SIGTERM, &action, nil)
    }
}
