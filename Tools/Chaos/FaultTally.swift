/// What the driver actually did (a scheduled worker kill finds no worker alive now and then).
public struct FaultTally: Sendable {
    public var workerKills = 0
    public var workerKillsSkipped = 0
    /// `workers.count` after each reload, starting with the initial count.
    public var workerCounts: [Int] = []
    public var supervisorKills = 0
    /// Supervisors that exited without being told to (a product crash).
    public var unexpectedExits = 0
    public var brokerFaults: [String: Int] = [:]
    public var apiFaultWindows = 0
    public var samplesSkipped = 0
    /// Why the last skipped sample failed.
    public var sampleError: String?
    /// Supervisor freezes for samples: how many, average and longest in milliseconds.
    public var freezes = (count: 0, averageMilliseconds: 0, longestMilliseconds: 0)
}
