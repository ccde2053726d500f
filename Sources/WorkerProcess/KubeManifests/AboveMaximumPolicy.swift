/// What ``ResourcePolicy`` does with a CPU limit, memory limit, request or timeout above its maximum.
///
/// Either way the event is logged by the worker and counted in `k8s_worker_resource_limits_exceeded_total`.
public enum AboveMaximumPolicy: String, Sendable, Hashable, CaseIterable {
    /// Lower the value to the maximum and run the command (the default, as before).
    case clamp
    /// Refuse the command: `execution_failed` with a reason naming the field and the maximum.
    case refuse
}
