internal import CLinux
import Glibc

/// Starting a child process: `posix_spawn` (clone+exec in glibc: nothing runs between fork and exec), the one
/// place the product and the tools start programs.
///
/// What a child gets besides its arguments and environment is spelled out by ``Options``: descriptors opened,
/// duplicated or closed (``FileAction``), its signal state (``Signals``), and whether it leads a process group of
/// its own (so a kill of the group reaches everything it starts). Which environment it gets is the caller's
/// decision, with the rules in ``ChildEnvironment``.
public enum Spawn {
    /// One change to the child's descriptors, applied in order before the program starts.
    public enum FileAction: Sendable {
        /// Opens `path` as descriptor `descriptor`.
        case open(Int32, path: String, flags: Int32, mode: UInt32 = 0)
        /// Duplicates `source` onto `target` (the copy loses close-on-exec).
        case duplicate(Int32, to: Int32)
        /// Closes every descriptor from `first` up.
        case closeFrom(Int32)
    }

    /// The signal state the child starts with.
    public enum Signals: Sendable {
        /// This process's signal mask and ignored signals, as `posix_spawn` leaves them.
        case inherited
        /// An empty signal mask and the default disposition for every signal: what a program expects (the
        /// supervisor ignores SIGPIPE and catches others, a test runner's threads block some).
        case reset
        /// An empty signal mask and the default disposition for these signals only.
        case resetOnly([Int32])
    }

    /// How to start a child.
    public struct Options: Sendable {
        public var fileActions: [FileAction]
        public var signals: Signals
        /// The child leads a process group of its own (a terminal's Ctrl-C does not reach it; `kill(-pid, …)`
        /// reaches it and everything it starts).
        public var ownProcessGroup: Bool
        /// A program name without `/` is looked up in `PATH` (`posix_spawnp`).
        public var searchPath: Bool

        public init(
            fileActions: [FileAction] = [], signals: Signals = .inherited, ownProcessGroup: Bool = false,
            searchPath: Bool = false
        ) {
            self.fileActions = fileActions
            self.signals = signals
            self.ownProcessGroup = ownProcessGroup
            self.searchPath = searchPath
        }
    }

    /// Why a program could not be started: `posix_spawn`'s error number.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public var program: String
        public var code: Int32
        public init(program: String, code: Int32) {
            self.program = program
            self.code = code
        }
        public var description: String { "cannot start \(program): \(String(cString: strerror(code)))" }
    }

    /// Starts `program` (by default `arguments[0]`) with `arguments`; `environment` is `NAME=value` entries,
    /// `nil` for this process's own environment. Returns the child's pid.
    public static func start(
        _ arguments: [String], program: String? = nil, environment: [String]? = nil, options: Options = Options()
    ) -> Result<Int32, Failure> {
        let program = program ?? arguments.first ?? ""
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var copies: [Int32] = []
        defer { copies.forEach { close($0) } }
        for action in options.fileActions {
            switch action {
            case .open(let descriptor, let path, let flags, let mode):
                posix_spawn_file_actions_addopen(&actions, descriptor, path, flags, mode)
            case .duplicate(let source, let target) where source == target:
                // dup2 onto itself changes nothing, so the descriptor would keep close-on-exec: duplicate a copy.
                let copy = Descriptors.duplicate(source, minimum: 10)
                copies.append(copy)
                posix_spawn_file_actions_adddup2(&actions, copy, target)
            case .duplicate(let source, let target):
                posix_spawn_file_actions_adddup2(&actions, source, target)
            case .closeFrom(let first):
                clinux_spawn_closefrom(&actions, first)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags: Int32 = 0
        switch options.signals {
        case .inherited:
            break
        case .reset:
            var all = sigset_t()
            sigfillset(&all)
            setSignals(&attributes, defaults: &all)
            flags |= Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        case .resetOnly(let signals):
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in signals { sigaddset(&defaults, signal) }
            setSignals(&attributes, defaults: &defaults)
            flags |= Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        }
        if options.ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid: pid_t = 0
        let search = options.searchPath && !program.contains("/")
        let result =
            if let envp {
                search
                    ? posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
                    : posix_spawn(&pid, program, &actions, &attributes, argv, envp)
            } else {
                search
                    ? posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
                    : posix_spawn(&pid, program, &actions, &attributes, argv, environ)
            }
        return result == 0 ? .success(pid) : .failure(Failure(program: program, code: result))
    }

    /// Starts `arguments` and waits for it. Returns the wait status, or `nil` when it could not start.
    @discardableResult
    public static func run(
        _ arguments: [String], environment: [String]? = nil, options: Options = Options()
    ) -> Int32? {
        guard case .success(let pid) = start(arguments, environment: environment, options: options) else {
            return nil
        }
        return wait(pid)
    }

    /// Waits for `pid` to end (retrying on EINTR) and returns its wait status.
    @discardableResult
    public static func wait(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// A pipe whose ends are both close-on-exec (a child receives one through ``FileAction/duplicate(_:to:)``),
    /// or the errno of `pipe2`.
    public static func pipe() -> Result<(read: Int32, write: Int32), Failure> {
        guard let pipe = Descriptors.pipe(flags: O_CLOEXEC) else {
            return .failure(Failure(program: "pipe2", code: errno))
        }
        return .success(pipe)
    }

    private static func setSignals(_ attributes: inout posix_spawnattr_t, defaults: inout sigset_t) {
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
    }
}

/// The environment rules for children.
public enum ChildEnvironment {
    /// The sanitizer runtimes' options (`scripts/sanitize.sh`). An instrumented child needs them too, and its
    /// reports must land where the run looks, so every child environment keeps them: an allow-list names them,
    /// an explicit environment gets this process's values through ``withSanitizerOptions(_:)``.
    public static let sanitizerNames: [String] = ["ASAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"]

    /// This process's environment as `NAME=value` strings, in `environ`'s order.
    public static func current() -> [String] {
        var result: [String] = []
        var index = 0
        while let entry = environ[index] {
            result.append(String(cString: entry))
            index += 1
        }
        return result
    }

    /// This process's environment by name (should a name occur twice, the later entry wins).
    public static func currentVariables() -> [String: String] {
        var result: [String: String] = [:]
        for entry in current() {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            result[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return result
    }

    /// `environment` plus this process's sanitizer options it does not set itself.
    public static func withSanitizerOptions(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        for name in sanitizerNames where environment[name] == nil {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return environment
    }

    /// `NAME=value` entries sorted by name, for ``Spawn/start(_:program:environment:options:)``.
    public static func entries(_ environment: [String: String]) -> [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
