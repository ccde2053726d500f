/// A histogram's state: per-bucket counts (not cumulative; the last bucket is `+Inf`) and the sum.
public struct HistogramValues: Sendable, Equatable {
    /// Upper bounds of the finite buckets, ascending.
    public let bounds: [Double]
    /// `bounds.count + 1` counts; `counts[i]` holds observations in `(bounds[i-1], bounds[i]]`.
    public private(set) var counts: [UInt64]
    public private(set) var sum: Double

    /// An empty histogram over `bounds` (sorted ascending, finite).
    public init(bounds: [Double]) {
        self.bounds = bounds
        self.counts = Array(repeating: 0, count: bounds.count + 1)
        self.sum = 0
    }

    /// A histogram from counts received from elsewhere; `nil` when the count of buckets does not fit `bounds`.
    public init?(bounds: [Double], counts: [UInt64], sum: Double) {
        guard counts.count == bounds.count + 1 else { return nil }
        self.bounds = bounds
        self.counts = counts
        self.sum = sum
    }

    /// All observations.
    public var count: UInt64 { counts.reduce(0, &+) }

    /// Adds one observation.
    public mutating func observe(_ value: Double) {
        let index = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[index] &+= 1
        sum += value
    }

    /// Adds another histogram's observations; one over other bounds is ignored (returns `false`).
    @discardableResult
    public mutating func add(_ other: HistogramValues) -> Bool {
        guard other.bounds == bounds else { return false }
        for index in counts.indices { counts[index] &+= other.counts[index] }
        sum += other.sum
        return true
    }

    /// The exposition samples: cumulative `_bucket{le=…}` series ending with `+Inf`, then `_sum` and `_count`.
    public func samples(labels: [MetricLabel]) -> [MetricSample] {
        var result: [MetricSample] = []
        var running: UInt64 = 0
        for (index, count) in counts.enumerated() {
            running &+= count
            let bound = index < bounds.count ? PrometheusText.format(bounds[index]) : "+Inf"
            result.append(
                MetricSample(suffix: "_bucket", labels: labels + [MetricLabel("le", bound)], value: Double(running)))
        }
        result.append(MetricSample(suffix: "_sum", labels: labels, value: sum))
        result.append(MetricSample(suffix: "_count", labels: labels, value: Double(running)))
        return result
    }
}
