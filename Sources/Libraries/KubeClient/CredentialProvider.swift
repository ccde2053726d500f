import Platform

/// The credentials for the next attempt, shared by all threads of one client.
///
/// Static tokens and certificates are handed out as they are. A token file is re-checked at most once a
/// second (see ``TokenFileCache``). An exec plugin's output is cached until its `expirationTimestamp` minus
/// ``expiryMargin``; the plugin runs under the lock, so concurrent callers wait for one run instead of starting
/// many. After a 401, ``invalidate(_:)`` forces the next caller to re-read or re-run, once per refused credential.
final class CredentialProvider: Sendable {
    private struct State: Sendable {
        var generation: UInt64 = 1
        var forceRefresh = false
        var tokenFile: TokenFileCache?
        var exec: ExecCredential?
    }

    /// An exec credential this close to its expiry is treated as expired.
    static let expiryMargin = 10.0

    private let bearer: BearerSource
    private let staticCertificate: ClientCertificate?
    private let execTimeout: Duration
    private let logger: KubeClientLogger?
    private let state: Locked<State>

    /// Whether refused credentials can be refreshed (token file or exec plugin), making a 401 worth retrying.
    let mayRotate: Bool

    init(config: KubeClusterConfig, execTimeout: Duration, logger: KubeClientLogger?) {
        bearer = config.bearer
        staticCertificate = config.clientCertificate
        self.execTimeout = execTimeout
        self.logger = logger
        var initial = State()
        switch config.bearer {
        case .tokenFile(let path):
            initial.tokenFile = TokenFileCache(path: path)
            mayRotate = true
        case .exec:
            mayRotate = true
        case .none, .token:
            mayRotate = false
        }
        state = Locked(initial)
    }

    /// The credential to send now. May read a token file or run the exec plugin (bounded by `deadline`).
    ///
    /// - Throws: `.configuration` when a token file cannot be read or the plugin fails.
    func current(deadline: KubeDeadline) throws(KubeAPIError) -> Credential {
        switch bearer {
        case .none:
            return Credential(token: nil, certificate: staticCertificate, generation: 0)
        case .token(let token):
            return Credential(token: token, certificate: staticCertificate, generation: 0)
        case .tokenFile:
            return try state.withLock { state throws(KubeAPIError) -> Credential in
                let force = state.forceRefresh
                state.forceRefresh = false
                var cache = state.tokenFile ?? TokenFileCache(path: "")
                let changed = try cache.refresh(now: Monotonic.nanoseconds(), force: force)
                state.tokenFile = cache
                if changed {
                    state.generation += 1
                    if state.generation > 2 { logger?(.info, "token file \(cache.path) changed; using the new token") }
                }
                return Credential(token: cache.token, certificate: staticCertificate, generation: state.generation)
            }
        case .exec(let plugin):
            return try state.withLock { state throws(KubeAPIError) -> Credential in
                if state.forceRefresh || !Self.isUsable(state.exec) {
                    state.forceRefresh = false
                    state.exec = try runPlugin(plugin, deadline: deadline)
                    state.generation += 1
                }
                let credential = state.exec
                return Credential(
                    token: credential?.token, certificate: credential?.certificate ?? staticCertificate,
                    generation: state.generation)
            }
        }
    }

    /// Marks `credential` as refused (a 401): the next ``current(deadline:)`` re-reads the token file or re-runs
    /// the plugin, unless another thread already replaced that credential.
    func invalidate(_ credential: Credential) {
        guard mayRotate else { return }
        state.withLock { state in
            if state.generation == credential.generation { state.forceRefresh = true }
        }
    }

    private static func isUsable(_ credential: ExecCredential?) -> Bool {
        guard let credential else { return false }
        guard let expiresAt = credential.expiresAt else { return true }
        return Monotonic.wallClockSeconds() < expiresAt - expiryMargin
    }

    private func runPlugin(_ plugin: ExecPluginConfig, deadline: KubeDeadline) throws(KubeAPIError) -> ExecCredential {
        logger?(.debug, "running exec credential plugin \(plugin.command)")
        let limit = KubeDeadline.earliest(deadline, .after(execTimeout))
        let environment = ChildProcess.environment(
            with: plugin.environment + [("KUBERNETES_EXEC_INFO", plugin.execInfo)])
        let result = ChildProcess.run(
            executable: plugin.executable, arguments: plugin.arguments, environment: environment, deadline: limit,
            outputLimit: 1024 * 1024)
        let name = "exec credential plugin \(plugin.command)"
        switch result {
        case .success(let output):
            do {
                return try ExecCredential(output: output, apiVersion: plugin.apiVersion)
            } catch {
                throw KubeAPIError.configuration("\(name): \(error.text)")
            }
        case .failure(.spawn(let code)):
            throw KubeAPIError.configuration("\(name) could not be started: \(ConfigFiles.errorText(code))")
        case .failure(.exited(let status)):
            throw KubeAPIError.configuration("\(name) exited with status \(status)")
        case .failure(.signaled(let signal)):
            throw KubeAPIError.configuration("\(name) was killed by signal \(signal)")
        case .failure(.timedOut):
            throw KubeAPIError.configuration("\(name) did not finish in time and was killed")
        case .failure(.outputTooLarge):
            throw KubeAPIError.configuration("\(name) wrote more than 1 MiB and was killed")
        case .failure(.pipe(let code)):
            throw KubeAPIError.configuration("\(name): pipe failed: \(ConfigFiles.errorText(code))")
        }
    }
}
