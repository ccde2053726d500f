import Events

/// Defaults, minima and maxima for a command's CPU, memory and timeout (docs/decisions.md, D5).
///
/// Rules, applied by ``resolve(_:)``:
///
/// * An empty quantity takes the default (upstream's `K8S_POD_*` rule); a 0 timeout takes
///   ``defaultTimeoutSeconds`` (upstream: 300).
/// * A quantity that does not parse, a negative quantity and a negative timeout are refused with a
///   short, user-safe reason (``ManifestError/Code/invalidQuantity``, ``ManifestError/Code/invalidTimeout``).
/// * Values above a maximum (a limit, a request above the maximum limit, the timeout) are clamped to it, or
///   refused with ``ManifestError/Code/aboveMaximum`` when ``aboveMaximum`` is ``AboveMaximumPolicy/refuse``;
///   limits below a minimum are raised (a 0 limit would mean "unlimited" to the kubelet); a request above its
///   final limit is lowered to it. Each change is listed in ``ResolvedResources/adjustments``.
/// * `activeDeadlineSeconds` is the resulting timeout.
public struct ResourcePolicy: Sendable, Hashable {
    /// CPU limit when `cpu_limit` is empty (upstream: `1000m`).
    public var defaultCPULimit: CPUQuantity
    /// CPU request when `cpu_request` is empty (upstream's config.toml: `200m`).
    public var defaultCPURequest: CPUQuantity
    /// Memory limit when `memory_limit` is empty (upstream: `128Mi`).
    public var defaultMemoryLimit: MemoryQuantity
    /// Memory request when `memory_request` is empty (upstream: `128Mi`).
    public var defaultMemoryRequest: MemoryQuantity
    /// Highest CPU limit a command may get (requests are bounded by the limit).
    public var maxCPULimit: CPUQuantity
    /// Highest memory limit a command may get.
    public var maxMemoryLimit: MemoryQuantity
    /// Lowest CPU limit (a 0 limit means "no limit").
    public var minCPULimit: CPUQuantity
    /// Lowest memory limit (a 0 limit means "no limit").
    public var minMemoryLimit: MemoryQuantity
    /// Timeout used when `timeout_seconds` is 0 (upstream: 300).
    public var defaultTimeoutSeconds: Int
    /// Highest timeout, hence highest `activeDeadlineSeconds`.
    public var maxTimeoutSeconds: Int
    /// Ephemeral storage for every executor container, or `nil` (the default) to leave it out: a Kueue
    /// ClusterQueue that does not cover `ephemeral-storage` never admits a workload requesting it.
    public var ephemeralStorage: EphemeralStorage?
    /// What happens to a value above its maximum: clamped (the default) or refused.
    public var aboveMaximum: AboveMaximumPolicy

    /// Creates a policy; every value defaults to this project's choice (upstream's defaults, plus
    /// maxima of 2000m / 512Mi / 300 s, clamped, and no ephemeral-storage request).
    public init(
        defaultCPULimit: CPUQuantity = CPUQuantity(millicores: 1000),
        defaultCPURequest: CPUQuantity = CPUQuantity(millicores: 200),
        defaultMemoryLimit: MemoryQuantity = .mebibytes(128),
        defaultMemoryRequest: MemoryQuantity = .mebibytes(128),
        maxCPULimit: CPUQuantity = CPUQuantity(millicores: 2000),
        maxMemoryLimit: MemoryQuantity = .mebibytes(512),
        minCPULimit: CPUQuantity = CPUQuantity(millicores: 10),
        minMemoryLimit: MemoryQuantity = .mebibytes(16),
        defaultTimeoutSeconds: Int = 300,
        maxTimeoutSeconds: Int = 300,
        ephemeralStorage: EphemeralStorage? = nil,
        aboveMaximum: AboveMaximumPolicy = .clamp
    ) {
        self.defaultCPULimit = defaultCPULimit
        self.defaultCPURequest = defaultCPURequest
        self.defaultMemoryLimit = defaultMemoryLimit
        self.defaultMemoryRequest = defaultMemoryRequest
        self.maxCPULimit = maxCPULimit
        self.maxMemoryLimit = maxMemoryLimit
        self.minCPULimit = minCPULimit
        self.minMemoryLimit = minMemoryLimit
        self.defaultTimeoutSeconds = defaultTimeoutSeconds
        self.maxTimeoutSeconds = maxTimeoutSeconds
        self.ephemeralStorage = ephemeralStorage
        self.aboveMaximum = aboveMaximum
    }

    /// Checks that the policy is coherent: minima ≤ defaults ≤ maxima, requests ≤ limits, timeouts ≥ 1.
    public func validate() throws(ManifestError) {
        func require(_ condition: Bool, _ reason: String) throws(ManifestError) {
            if !condition { throw ManifestError(.invalidConfiguration, reason) }
        }
        try require(minCPULimit.millicores > 0 && minCPULimit <= maxCPULimit, "cpu: need 0 < minimum ≤ maximum limit")
        try require(
            minMemoryLimit.bytes > 0 && minMemoryLimit <= maxMemoryLimit, "memory: need 0 < minimum ≤ maximum limit")
        try require(
            (minCPULimit...maxCPULimit).contains(defaultCPULimit) && defaultCPURequest <= defaultCPULimit,
            "cpu: the default limit must be within [minimum, maximum] and the default request at most the limit")
        try require(
            (minMemoryLimit...maxMemoryLimit).contains(defaultMemoryLimit)
                && defaultMemoryRequest <= defaultMemoryLimit,
            "memory: the default limit must be within [minimum, maximum] and the default request at most the limit")
        try require(
            maxTimeoutSeconds >= 1 && (1...maxTimeoutSeconds).contains(defaultTimeoutSeconds),
            "timeout: need 1 ≤ default ≤ maximum")
        if let storage = ephemeralStorage {
            try require(
                storage.request != nil || storage.limit != nil, "ephemeral-storage: need a request, a limit or both")
            try require(
                (storage.request?.bytes ?? 1) > 0 && (storage.limit?.bytes ?? 1) > 0,
                "ephemeral-storage: the request and the limit must be positive")
            if let request = storage.request, let limit = storage.limit {
                try require(request <= limit, "ephemeral-storage: the request must not exceed the limit")
            }
        }
    }

    /// Resolves a command's resources and timeout.
    public func resolve(_ command: CreatePodCommand) throws(ManifestError) -> ResolvedResources {
        try resolve(
            cpuLimit: command.cpuLimit, cpuRequest: command.cpuRequest, memoryLimit: command.memoryLimit,
            memoryRequest: command.memoryRequest, timeoutSeconds: command.timeoutSeconds)
    }

    /// Resolves raw values as a command carries them.
    public func resolve(
        cpuLimit: String, cpuRequest: String, memoryLimit: String, memoryRequest: String, timeoutSeconds: Int
    ) throws(ManifestError) -> ResolvedResources {
        var adjustments: [ResourceAdjustment] = []

        var cpuLimitValue = try Self.parse(
            cpuLimit, .cpuLimit, default: defaultCPULimit, CPUQuantity.init(parsing:), &adjustments)
        let cpuRequestValue = try Self.parse(
            cpuRequest, .cpuRequest, default: defaultCPURequest, CPUQuantity.init(parsing:), &adjustments)
        var memoryLimitValue = try Self.parse(
            memoryLimit, .memoryLimit, default: defaultMemoryLimit, MemoryQuantity.init(parsing:), &adjustments)
        let memoryRequestValue = try Self.parse(
            memoryRequest, .memoryRequest, default: defaultMemoryRequest, MemoryQuantity.init(parsing:), &adjustments)

        if aboveMaximum == .refuse {
            try Self.refuseAbove(cpuLimitValue, maxCPULimit, .cpuLimit, cpuLimit)
            try Self.refuseAbove(cpuRequestValue, maxCPULimit, .cpuRequest, cpuRequest)
            try Self.refuseAbove(memoryLimitValue, maxMemoryLimit, .memoryLimit, memoryLimit)
            try Self.refuseAbove(memoryRequestValue, maxMemoryLimit, .memoryRequest, memoryRequest)
            try Self.refuseAbove(timeoutSeconds, maxTimeoutSeconds, .timeoutSeconds, "\(timeoutSeconds)")
        }
        cpuLimitValue = Self.bound(cpuLimitValue, minCPULimit, maxCPULimit, .cpuLimit, cpuLimit, &adjustments)
        memoryLimitValue = Self.bound(
            memoryLimitValue, minMemoryLimit, maxMemoryLimit, .memoryLimit, memoryLimit, &adjustments)
        let cpuRequestFinal = Self.cap(cpuRequestValue, at: cpuLimitValue, .cpuRequest, cpuRequest, &adjustments)
        let memoryRequestFinal = Self.cap(
            memoryRequestValue, at: memoryLimitValue, .memoryRequest, memoryRequest, &adjustments)

        guard timeoutSeconds >= 0 else {
            throw ManifestError(.invalidTimeout, "timeout_seconds must not be negative")
        }
        var timeout = timeoutSeconds
        if timeout == 0 {
            timeout = defaultTimeoutSeconds
            adjustments.append(
                ResourceAdjustment(field: .timeoutSeconds, kind: .defaulted, requested: "0", applied: "\(timeout)"))
        }
        if timeout > maxTimeoutSeconds {
            adjustments.append(
                ResourceAdjustment(
                    field: .timeoutSeconds, kind: .clampedToMaximum, requested: "\(timeoutSeconds)",
                    applied: "\(maxTimeoutSeconds)"))
            timeout = maxTimeoutSeconds
        }

        return ResolvedResources(
            cpuLimit: cpuLimitValue, cpuRequest: cpuRequestFinal, memoryLimit: memoryLimitValue,
            memoryRequest: memoryRequestFinal, ephemeralStorage: ephemeralStorage, activeDeadlineSeconds: timeout,
            adjustments: adjustments)
    }

    /// Parses one field; empty means the default.
    private static func parse<Value: CustomStringConvertible>(
        _ text: String, _ field: ResourceAdjustment.Field, default value: Value,
        _ parser: (String) throws(QuantityError) -> Value, _ adjustments: inout [ResourceAdjustment]
    ) throws(ManifestError) -> Value {
        if text.isEmpty {
            adjustments.append(
                ResourceAdjustment(field: field, kind: .defaulted, requested: "", applied: value.description))
            return value
        }
        do {
            return try parser(text)
        } catch {
            throw ManifestError(.invalidQuantity, "\(field.rawValue) '\(ManifestError.clip(text))' \(error)")
        }
    }

    /// Refuses a value above `maximum` (``AboveMaximumPolicy/refuse``).
    private static func refuseAbove<Value: Comparable & CustomStringConvertible>(
        _ value: Value, _ maximum: Value, _ field: ResourceAdjustment.Field, _ text: String
    ) throws(ManifestError) {
        guard value > maximum else { return }
        throw ManifestError(
            .aboveMaximum, "\(field.rawValue) '\(ManifestError.clip(text))' is above the maximum \(maximum)",
            field: field)
    }

    /// Raises to `minimum` or lowers to `maximum`, noting the change.
    private static func bound<Value: Comparable & CustomStringConvertible>(
        _ value: Value, _ minimum: Value, _ maximum: Value, _ field: ResourceAdjustment.Field, _ text: String,
        _ adjustments: inout [ResourceAdjustment]
    ) -> Value {
        if value > maximum {
            adjustments.append(
                ResourceAdjustment(
                    field: field, kind: .clampedToMaximum, requested: ManifestError.clip(text),
                    applied: maximum.description))
            return maximum
        }
        if value < minimum {
            adjustments.append(
                ResourceAdjustment(
                    field: field, kind: .raisedToMinimum, requested: ManifestError.clip(text),
                    applied: minimum.description))
            return minimum
        }
        return value
    }

    /// Lowers a request to its limit, noting the change.
    private static func cap<Value: Comparable & CustomStringConvertible>(
        _ request: Value, at limit: Value, _ field: ResourceAdjustment.Field, _ text: String,
        _ adjustments: inout [ResourceAdjustment]
    ) -> Value {
        guard request > limit else { return request }
        adjustments.append(
            ResourceAdjustment(
                field: field, kind: .loweredToLimit, requested: ManifestError.clip(text), applied: limit.description))
        return limit
    }
}
