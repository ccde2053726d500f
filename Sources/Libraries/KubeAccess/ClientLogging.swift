import KubeClient
import Logging

extension KubeClient {
    /// A client whose own messages (insecure TLS, retries, credential refreshes, server warnings) go to `logger`
    /// under `kubernetes.client`. The client never puts credentials in them. `limiter`: a rate limit shared with
    /// other processes, instead of one of the client's own.
    public static func logging(
        to logger: Logger, config: KubeClusterConfig, settings: KubeClientSettings, limiter: RateLimiter? = nil
    ) throws(KubeAPIError) -> KubeClient {
        let sink = Logger(label: "kubernetes.client", factory: { _ in logger.handler })
        return try KubeClient(
            config: config, settings: settings,
            logger: { level, message in
                switch level {
                case .debug: sink.debug("\(message)")
                case .info: sink.info("\(message)")
                case .warning: sink.warning("\(message)")
                case .error: sink.error("\(message)")
                }
            }, limiter: limiter)
    }
}

extension KubeAPIError {
    /// `reason code` for logs, refusals and retry notes, e.g. `ServiceUnavailable 503` or `transport`.
    public var summary: String {
        code > 0 ? "\(reason.isEmpty ? "HTTP" : reason) \(code)" : (reason.isEmpty ? "\(kind)" : reason)
    }
}
