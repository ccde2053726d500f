/// Why a chaos run could not be carried out (as opposed to an invariant that did not hold, which the report
/// states).
public struct ChaosError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public var isRetriable: Bool { false }
    public init(_ description: String) { self.description = description }
}
