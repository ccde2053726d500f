/// Upstream's `EventMetadata`, serialized as
/// `{"service_name":…,"service_version":…,"user_id":…,"environment":…}` in that order.
///
/// The worker copies a command's metadata unchanged into the events it publishes.
public struct EventMetadata: Sendable, Hashable {
    /// Producing service label, e.g. `saga-orchestrator`. Required.
    public var serviceName: String
    /// Producing service version, e.g. `1.0.0`. Required.
    public var serviceVersion: String
    /// The owning user. Optional on input (see ``DecodingOptions/missingIDs``).
    public var userID: String
    /// Deployment environment; `production` when absent.
    public var environment: Environment

    /// Creates metadata.
    public init(serviceName: String, serviceVersion: String, userID: String, environment: Environment = .production) {
        self.serviceName = serviceName
        self.serviceVersion = serviceVersion
        self.userID = userID
        self.environment = environment
    }
}
