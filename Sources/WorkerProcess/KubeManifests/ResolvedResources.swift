/// The resources and deadline that go into a Pod, after ``ResourcePolicy`` has applied defaults,
/// minima and maxima to a command.
public struct ResolvedResources: Sendable, Hashable {
    /// `resources.limits.cpu`.
    public var cpuLimit: CPUQuantity
    /// `resources.requests.cpu` (never above ``cpuLimit``).
    public var cpuRequest: CPUQuantity
    /// `resources.limits.memory`.
    public var memoryLimit: MemoryQuantity
    /// `resources.requests.memory` (never above ``memoryLimit``).
    public var memoryRequest: MemoryQuantity
    /// `resources.{requests,limits}.ephemeral-storage`, or `nil` to leave them out.
    public var ephemeralStorage: EphemeralStorage?
    /// `spec.activeDeadlineSeconds` (≥ 1).
    public var activeDeadlineSeconds: Int
    /// What the policy changed, in field order; empty when the command was used as given.
    public var adjustments: [ResourceAdjustment]

    /// Creates resources.
    public init(
        cpuLimit: CPUQuantity, cpuRequest: CPUQuantity, memoryLimit: MemoryQuantity, memoryRequest: MemoryQuantity,
        ephemeralStorage: EphemeralStorage?, activeDeadlineSeconds: Int, adjustments: [ResourceAdjustment] = []
    ) {
        self.cpuLimit = cpuLimit
        self.cpuRequest = cpuRequest
        self.memoryLimit = memoryLimit
        self.memoryRequest = memoryRequest
        self.ephemeralStorage = ephemeralStorage
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.adjustments = adjustments
    }
}
