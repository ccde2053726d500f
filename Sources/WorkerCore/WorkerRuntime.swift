import CLinux
import Glibc
import IPC
import Logging

/// Set by the SIGTERM handler; read by the reader thread after `recv` is interrupted.
nonisolated(unsafe) private var terminationRequested: sig_atomic_t = 0

/// A worker process: one reader thread (the main thread) that owns the socket's input and answers pings at
/// once, and `concurrency` executor threads that run commands and send results.
///
/// Lifetime rules: the worker exits when its socket reaches end of stream (the supervisor is gone, even if it
/// was SIGKILLed), when told to shut down, or — after finishing and reporting everything it holds — when told
/// to drain or sent SIGTERM.
public final class WorkerRuntime: @unchecked Sendable {
    // `@unchecked Sendable`: after `run()` starts, the only state shared with executor threads is `channel`
    // (internally locked), `queue` (internally locked), and immutable `let`s.
    private let workerID: UInt32
    private let channel: BlockingFrameChannel
    private let queue = WorkQueue()
    private let logger: Logger
    private var handler: (any CommandHandler)?

    public init(workerID: UInt32, descriptor: Int32 = IPCProtocol.workerDescriptor, logger: Logger) {
        self.workerID = workerID
        self.channel = BlockingFrameChannel(descriptor: descriptor)
        self.logger = logger
        // Anything this worker starts (a handler's helper process) must not inherit the socket: it would keep
        // the connection open after the worker dies and hide the death from the supervisor.
        _ = clinux_fcntl_int(descriptor, F_SETFD, FD_CLOEXEC)
    }

    /// Ties this process's life to the supervisor: die with it (PR_SET_PDEATHSIG) and refuse to start if it is
    /// already gone.
    public static func bindToParent(expected parent: pid_t) -> Bool {
        _ = clinux_set_pdeathsig(SIGKILL)
        return parent == 0 || getppid() == parent
    }

    /// Runs until exit; returns the exit code.
    public func run() -> Int32 {
        installTerminationHandler()
        do {
            try channel.send(WorkerMessage.hello(protocolVersion: UInt16(IPCProtocol.version), workerID: workerID, pid: getpid()).frame())
            while true {
                guard let frame = try receiveFrame() else { return 0 }
                switch try SupervisorMessage(frame: frame) {
                case .welcome(let concurrency, let name, _):
                    guard handler == nil else { throw IPCError(.malformedPayload, "second welcome") }
                    guard let chosen = Self.makeHandler(named: name) else {
                        logger.error("unknown handler", metadata: ["handler": "\(name)"])
                        return 78
                    }
                    handler = chosen
                    startExecutors(count: Int(max(1, concurrency)), handler: chosen)
                case .dispatch(let command):
                    guard handler != nil else { throw IPCError(.malformedPayload, "dispatch before welcome") }
                    queue.push(command)
                case .ping(let sequence):
                    try channel.send(WorkerMessage.pong(sequence: sequence).frame())
                case .drain:
                    if queue.close() { return 0 }
                case .shutdown:
                    return 0
                }
            }
        } catch {
            logger.error("worker stopping on protocol error", metadata: ["error": "\(error)"])
            return 1
        }
    }

    /// The next frame; `nil` at end of stream. A SIGTERM turns into a drain.
    private func receiveFrame() throws(IPCError) -> Frame? {
        while true {
            do {
                return try channel.receive()
            } catch where error.code == .interrupted {
                guard terminationRequested != 0 else { continue }
                terminationRequested = 0
                logger.info("SIGTERM: finishing held commands before exiting")
                if queue.close() { return nil }
            }
        }
    }

    static func makeHandler(named name: String) -> (any CommandHandler)? {
        switch name {
        case "test": TestCommandHandler()
        default: nil
        }
    }

    private func startExecutors(count: Int, handler: any CommandHandler) {
        // Executors must not take SIGTERM: it is for the reader thread, whose recv it interrupts.
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &mask, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        for _ in 0..<count {
            let context = Unmanaged.passRetained(ExecutorContext(runtime: self, handler: handler))
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let context = Unmanaged<ExecutorContext>.fromOpaque(raw).takeRetainedValue()
                context.runtime.executorLoop(handler: context.handler)
                return nil
            }, context.toOpaque())
            if result == 0 {
                pthread_detach(thread)
            } else {
                context.release()
                logger.error("cannot start executor thread", metadata: ["errno": "\(result)"])
            }
        }
    }

    private func executorLoop(handler: any CommandHandler) {
        while let command = queue.pop() {
            let outcome = handler.handle(command)
            do {
                try channel.send(WorkerMessage.result(commandID: command.id, outcome: outcome).frame())
            } catch {
                // The supervisor is gone; it will re-dispatch whatever we held.
                _exit(0)
            }
            if queue.done() {
                // Drained: everything held has been reported.
                _exit(0)
            }
        }
    }

    private func installTerminationHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in terminationRequested = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: recv must return EINTR
        _ = sigaction(SIGTERM, &action, nil)
    }
}

/// What an executor thread needs, passed through pthread_create's opaque pointer.
private final class ExecutorContext: @unchecked Sendable {
    // Immutable after init; handed to exactly one thread.
    let runtime: WorkerRuntime
    let handler: any CommandHandler
    init(runtime: WorkerRuntime, handler: any CommandHandler) {
        self.runtime = runtime
        self.handler = handler
    }
}
