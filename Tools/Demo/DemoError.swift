/// Why the demo could not run (as opposed to an expectation that did not hold, which is in the summary).
public struct DemoError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var description: String
    /// Never retried: the demo is a one-shot.
    public var isRetriable: Bool { false }

    /// An error with `description`.
    public init(_ description: String) { self.description = description }
}
