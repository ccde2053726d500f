/// Upstream's `ResourceUsageDomain`, nested in execution result events. Every field defaults
/// to 0 when absent.
public struct ResourceUsage: Sendable, Hashable {
    /// Wall time of the user command in seconds (`execution_time_wall_seconds`, a float).
    public var executionTimeWallSeconds: Double
    /// utime+stime ticks of the user process (`cpu_time_jiffies`).
    public var cpuTimeJiffies: Int
    /// Ticks per second (`clk_tck_hertz`).
    public var clkTckHertz: Int
    /// Peak RSS in KiB (`peak_memory_kb`).
    public var peakMemoryKB: Int

    /// Creates a usage record.
    public init(
        executionTimeWallSeconds: Double = 0, cpuTimeJiffies: Int = 0, clkTckHertz: Int = 0, peakMemoryKB: Int = 0
    ) {
        self.executionTimeWallSeconds = executionTimeWallSeconds
        self.cpuTimeJiffies = cpuTimeJiffies
        self.clkTckHertz = clkTckHertz
        self.peakMemoryKB = peakMemoryKB
    }
}
