/// Pod phase progression for demos: Pending → Running → Succeeded.
public struct PhaseProgression: Sendable, Hashable {
    /// Time from creation to Running.
    public var runningAfter: Duration
    /// Time from Running to Succeeded; `nil` keeps pods Running (until deleted or their deadline passes).
    public var succeededAfter: Duration?

    /// A progression with the given delays.
    public init(runningAfter: Duration = .milliseconds(500), succeededAfter: Duration? = .seconds(2)) {
        self.runningAfter = runningAfter
        self.succeededAfter = succeededAfter
    }
}
