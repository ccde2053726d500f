/// One thing the driver does.
public enum ChaosAction: Sendable, Hashable, CustomStringConvertible {
    /// SIGKILL the worker at index `pick % count` of the running supervisor's workers.
    case killWorker(pick: UInt64)
    /// Rewrite the configuration with this `workers.count` and SIGHUP the supervisor.
    case resize(workers: Int)
    /// SIGKILL the supervisor, read the committed offsets, start a new one with the same configuration.
    case killSupervisor
    /// Start a broker fault.
    case brokerFault(BrokerFault)
    /// End a lasting broker fault.
    case brokerRecovery(BrokerFault)
    /// Turn Kubernetes API faults on at this level.
    case apiFaults(APIFaultLevel)
    /// Turn Kubernetes API faults off.
    case apiFaultsOff

    public var description: String {
        switch self {
        case .killWorker: "SIGKILL a worker"
        case .resize(let workers): "SIGHUP with workers.count \(workers)"
        case .killSupervisor: "SIGKILL the supervisor, start another"
        case .brokerFault(let fault): fault.description
        case .brokerRecovery(let fault): "end of: \(fault.description)"
        case .apiFaults(let level): "API faults on: \(level.description)"
        case .apiFaultsOff: "API faults off"
        }
    }
}
