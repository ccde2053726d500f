import KubeSimulator

/// The Kubernetes API faults of one window, at moderate rates.
public struct APIFaultLevel: Sendable, Hashable, CustomStringConvertible {
    /// 429 with `Retry-After`.
    public var tooManyRequests: Double
    /// 500.
    public var internalError: Double
    /// 503.
    public var unavailable: Double
    /// 504.
    public var gatewayTimeout: Double
    /// Connection closed before the request runs.
    public var drop: Double
    /// Connection closed after the request ran (the write happened; the client cannot know).
    public var dropAfterExecution: Double
    /// Added latency and jitter, milliseconds. Jitter stays below the latency, so a request cannot overtake
    /// one sent well before it.
    public var latencyMilliseconds: Int
    public var jitterMilliseconds: Int
    /// `Retry-After` of the 429s, seconds.
    public var retryAfterSeconds: Int

    init(using random: inout SeededGenerator) {
        tooManyRequests = Double.random(in: 0.01...0.05, using: &random)
        internalError = Double.random(in: 0.005...0.03, using: &random)
        unavailable = Double.random(in: 0.005...0.03, using: &random)
        gatewayTimeout = Double.random(in: 0.005...0.03, using: &random)
        drop = Double.random(in: 0...0.02, using: &random)
        dropAfterExecution = Double.random(in: 0...0.02, using: &random)
        latencyMilliseconds = Int.random(in: 0...20, using: &random)
        jitterMilliseconds = Int.random(in: 0...max(0, latencyMilliseconds / 2), using: &random)
        retryAfterSeconds = Int.random(in: 1...2, using: &random)
    }

    /// The simulator's configuration for this level.
    public var configuration: FaultConfiguration {
        FaultConfiguration(
            rules: [
                FaultRule(.tooManyRequests, rate: tooManyRequests, retryAfterSeconds: retryAfterSeconds),
                FaultRule(.internalError, rate: internalError),
                FaultRule(.serviceUnavailable, rate: unavailable),
                FaultRule(.gatewayTimeout, rate: gatewayTimeout),
                FaultRule(.drop, rate: drop),
                FaultRule(.drop, rate: dropAfterExecution, afterExecution: true),
            ],
            latency: .milliseconds(latencyMilliseconds), jitter: .milliseconds(jitterMilliseconds))
    }

    public var description: String {
        func percent(_ rate: Double) -> String { String(Int((rate * 1000).rounded())) + "‰" }
        return "429 \(percent(tooManyRequests)) (Retry-After \(retryAfterSeconds) s), 500 \(percent(internalError)), "
            + "503 \(percent(unavailable)), 504 \(percent(gatewayTimeout)), drop \(percent(drop)), "
            + "drop after write \(percent(dropAfterExecution)), latency \(latencyMilliseconds)±\(jitterMilliseconds) ms"
    }
}
