import Events
import Glibc
import Platform

/// A Kubernetes API server simulator over HTTPS on loopback, for tests and demos.
///
/// ```swift
/// var configuration = SimulatorConfiguration(outputDirectory: "/tmp/sim")
/// configuration.namespaces = ["integr8scode"]
/// let simulator = try APISimulator(configuration)   // generates the PKI, binds, writes the kubeconfig
/// try simulator.start()                              // event loops on their own threads
/// // ... point a client at simulator.kubeconfigPath ...
/// simulator.stop()
/// ```
///
/// Architecture: `eventLoopThreads` pthreads, each running an epoll loop over non-blocking sockets and
/// non-blocking OpenSSL sessions; they share one listening socket, registered with `EPOLLEXCLUSIVE` so a new
/// connection wakes one loop, which then owns it. Requests are served on the loop thread:
/// the object store is in memory and every operation is one short critical section. Injected latency parks the
/// request in the loop's timer heap; nothing blocks a loop.
///
/// Thread safety: every method may be called from any thread. The object store, the fault state, and the
/// request log with its counters each live behind their own lock; a request takes them one at a time, never
/// nested. Start and stop are serialized by a lifecycle lock.
public final class APISimulator: Sendable {
    private enum Lifecycle {
        case created
        case running([PlatformThread])
        case stopped
    }

    /// The configuration it was created with.
    public let configuration: SimulatorConfiguration
    /// The bound TCP port.
    public let port: UInt16
    /// `https://127.0.0.1:<port>`.
    public let url: String
    /// The kubeconfig with embedded certificates (`token` context current, `client-cert` context too).
    public let kubeconfigPath: String
    /// The same kubeconfig referencing `ca.crt`, `client.crt` and `client.key` by path.
    public let kubeconfigWithPathsPath: String
    /// `ca.crt`.
    public let caPath: String
    /// `client.crt`.
    public let clientCertificatePath: String
    /// `client.key` (mode 0600).
    public let clientKeyPath: String
    /// The CA certificate (PEM).
    public let caPEM: String
    /// The client certificate (PEM).
    public let clientCertificatePEM: String
    /// The client key (PEM).
    public let clientKeyPEM: String
    /// The bearer token in the kubeconfig.
    public let token: String
    /// The admin token for `/_sim/...` (also written to `admin-token`, mode 0600).
    public let adminToken: String

    /// The server certificate and key (PEM), for a TLS front such as ``HTTP2Proxy`` that presents them.
    let serverCertificatePEM: String
    let serverKeyPEM: String

    let processor: RequestProcessor
    private let tls: TLSContext
    private let listener: Descriptor
    private let controls: [LoopControl]
    private let lifecycle = Locked(Lifecycle.created)

    /// Generates the PKI, binds the listening sockets, creates the initial namespaces and writes `ca.crt`,
    /// `client.crt`, `client.key`, `server.crt`, `admin-token`, `kubeconfig` and `kubeconfig-paths`.
    public init(_ configuration: SimulatorConfiguration) throws(SimulatorError) {
        guard (1...64).contains(configuration.eventLoopThreads) else {
            throw SimulatorError(.invalidArgument, "eventLoopThreads must be within 1...64")
        }
        guard SimulatorPKI.isIPAddress(configuration.host) else {
            throw SimulatorError(.invalidArgument, "host must be an IP address literal, got \(configuration.host)")
        }
        guard !configuration.outputDirectory.isEmpty else {
            throw SimulatorError(.invalidArgument, "outputDirectory is empty")
        }
        self.configuration = configuration
        let directory = configuration.outputDirectory
        try FileIO.makeDirectory(directory)

        listener = try Sockets.listen(host: configuration.host, port: configuration.port)
        let port = try Sockets.localPort(listener)
        self.port = port
        url =
            configuration.host.contains(":")
            ? "https://[\(configuration.host)]:\(port)" : "https://\(configuration.host):\(port)"

        let pki = try SimulatorPKI(
            host: configuration.host, clientUser: configuration.clientUser, clientGroups: configuration.clientGroups)
        caPEM = pki.material.caCertificate
        clientCertificatePEM = pki.material.clientCertificate
        clientKeyPEM = pki.material.clientKey
        serverCertificatePEM = pki.material.serverCertificate
        serverKeyPEM = pki.material.serverKey
        caPath = "\(directory)/ca.crt"
        clientCertificatePath = "\(directory)/client.crt"
        clientKeyPath = "\(directory)/client.key"
        kubeconfigPath = "\(directory)/kubeconfig"
        kubeconfigWithPathsPath = "\(directory)/kubeconfig-paths"
        try FileIO.write(caPEM, to: caPath, mode: 0o644)
        try FileIO.write(clientCertificatePEM, to: clientCertificatePath, mode: 0o644)
        try FileIO.write(clientKeyPEM, to: clientKeyPath, mode: 0o600)
        try FileIO.write(pki.material.serverCertificate, to: "\(directory)/server.crt", mode: 0o644)

        var staticTokens = configuration.tokens
        var primary = configuration.tokens.first
        if let tokenFile = configuration.tokenFile {
            if FileIO.exists(tokenFile) {
                let text = String(decoding: try FileIO.read(tokenFile, limit: 64 * 1024), as: UTF8.self)
                primary =
                    text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingSpaces }.first {
                        !$0.isEmpty
                    } ?? primary
            }
            if primary == nil {
                let generated = Identifiers.token(count: 32)
                try FileIO.write(generated + "\n", to: tokenFile, mode: 0o600)
                primary = generated
            }
        } else if primary == nil {
            let generated = Identifiers.token(count: 32)
            staticTokens.append(generated)
            primary = generated
        }
        token = primary ?? ""
        adminToken = configuration.adminToken ?? Identifiers.token(count: 40)
        try FileIO.write(adminToken + "\n", to: "\(directory)/admin-token", mode: 0o600)

        let contents = Kubeconfig.Contents(
            server: url, caPEM: caPEM, token: token, tokenFile: configuration.tokenFile,
            clientCertificatePEM: clientCertificatePEM,
            clientKeyPEM: clientKeyPEM, namespace: configuration.namespaces.first ?? "default", caPath: caPath,
            clientCertificatePath: clientCertificatePath, clientKeyPath: clientKeyPath)
        try FileIO.write(Kubeconfig.render(contents, embedded: true), to: kubeconfigPath, mode: 0o600)
        try FileIO.write(Kubeconfig.render(contents, embedded: false), to: kubeconfigWithPathsPath, mode: 0o600)

        tls = try TLSContext.server(
            certificatePEM: pki.material.serverCertificate, keyPEM: pki.material.serverKey, clientCAPEM: caPEM)
        let authenticator = Authenticator(
            tokens: staticTokens, adminToken: adminToken, tokenFile: configuration.tokenFile,
            tokenUser: configuration.tokenServiceAccount?.userName ?? configuration.clientUser,
            groups: configuration.tokenServiceAccount?.groups ?? configuration.clientGroups)
        processor = RequestProcessor(
            configuration: configuration, authenticator: authenticator, serverAddress: "\(configuration.host):\(port)")
        var controls: [LoopControl] = []
        for _ in 0..<configuration.eventLoopThreads { controls.append(try LoopControl()) }
        self.controls = controls
        for namespace in configuration.namespaces {
            try createNamespace(namespace, labels: configuration.namespaceLabels[namespace] ?? [:])
        }
        if configuration.authorization.mode == .rbac {
            try storeRBAC(BootstrapPolicy.objects, source: "the default cluster roles")
            for source in configuration.authorization.policies {
                try storeRBAC(try source.documents(), source: source.displayName)
            }
        }
    }

    deinit { stop() }

    /// Starts the event-loop threads. Throws if already started or stopped.
    public func start() throws(SimulatorError) {
        try lifecycle.withLock { state throws(SimulatorError) in
            guard case .created = state else {
                throw SimulatorError(.invalidState, "the simulator was already started")
            }
            var threads: [PlatformThread] = []
            for (index, control) in controls.enumerated() {
                let listener = listener
                let tls = tls
                let processor = processor
                let limits = configuration.limits
                do throws(SimulatorError) {
                    threads.append(
                        try Self.startThread {
                            do {
                                let loop = try EventLoop(
                                    listener: listener, control: control, tls: tls, processor: processor,
                                    limits: limits,
                                    runsLifecycle: index == 0)
                                loop.run()
                            } catch {
                                FileIO.printError("k8s-api-simulator: event loop \(index) failed: \(error)")
                            }
                        })
                } catch {
                    for control in controls { control.requestStop() }
                    for thread in threads { thread.join() }
                    state = .stopped
                    throw error
                }
            }
            state = .running(threads)
        }
    }

    /// A loop thread (Platform's thread: a pthread with SIGPIPE blocked, never Swift's cooperative pool).
    private static func startThread(_ body: @escaping @Sendable () -> Void) throws(SimulatorError) -> PlatformThread {
        do { return try PlatformThread.start(body) } catch { throw SimulatorError(.system, error.description) }
    }

    /// Stops the loops (closing every connection) and the listening sockets; waits for the threads. Idempotent.
    public func stop() {
        lifecycle.withLock { state in
            if case .running(let threads) = state {
                for control in controls { control.requestStop() }
                for thread in threads { thread.join() }
            }
            state = .stopped
        }
        listener.close()
    }
}
