/// Percentiles and rates over nanosecond samples.
struct Stats {
    let samples: [UInt64]

    init(_ samples: [UInt64]) { self.samples = samples.sorted() }

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let index = Swift.min(samples.count - 1, Int((p / 100 * Double(samples.count - 1)).rounded()))
        return Double(samples[index]) / 1000
    }

    var p50: Double { percentile(50) }
    var p99: Double { percentile(99) }
    var mean: Double { samples.isEmpty ? 0 : Double(samples.reduce(0, +)) / Double(samples.count) / 1000 }
}
