extension ResourceUsage {
    /// Reads `resource_usage` (every field defaults to 0; unknown keys ignored).
    init(reader: FieldReader) throws(EventDecodingError) {
        self.init(
            executionTimeWallSeconds: try reader.double("execution_time_wall_seconds", default: 0),
            cpuTimeJiffies: try reader.int("cpu_time_jiffies", default: 0),
            clkTckHertz: try reader.int("clk_tck_hertz", default: 0),
            peakMemoryKB: try reader.int("peak_memory_kb", default: 0))
    }

    /// The object, keys in upstream (dataclass) order.
    var encoder: ObjectEncoder {
        var object = ObjectEncoder(reservingCapacity: 128)
        object.field("execution_time_wall_seconds", executionTimeWallSeconds)
        object.field("cpu_time_jiffies", cpuTimeJiffies)
        object.field("clk_tck_hertz", clkTckHertz)
        object.field("peak_memory_kb", peakMemoryKB)
        return object
    }
}
