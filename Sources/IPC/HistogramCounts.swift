/// A histogram as workers count it and the protocol carries it: plain per-bucket counts and a sum, nothing of
/// any metrics format. The supervisor renders it as a Prometheus histogram.
///
/// The bounds are not on the wire: both sides know them (``WorkerStatistics/durationBounds``).
public struct HistogramCounts: Sendable, Equatable {
    /// Upper bounds of the finite buckets, ascending.
    public let bounds: [Double]
    /// `bounds.count + 1` counts, not cumulative: `buckets[i]` holds observations in `(bounds[i-1], bounds[i]]`,
    /// the last one those above every bound.
    public private(set) var buckets: [UInt64]
    /// The sum of all observations.
    public private(set) var sum: Double

    /// An empty histogram over `bounds` (sorted ascending, finite).
    public init(bounds: [Double]) {
        self.init(uncheckedBounds: bounds, buckets: Array(repeating: 0, count: bounds.count + 1), sum: 0)
    }

    /// Counts received from the peer; `nil` when the number of buckets does not fit `bounds`.
    public init?(bounds: [Double], buckets: [UInt64], sum: Double) {
        guard buckets.count == bounds.count + 1 else { return nil }
        self.init(uncheckedBounds: bounds, buckets: buckets, sum: sum)
    }

    private init(uncheckedBounds bounds: [Double], buckets: [UInt64], sum: Double) {
        self.bounds = bounds
        self.buckets = buckets
        self.sum = sum
    }

    /// All observations.
    public var count: UInt64 { buckets.reduce(0, &+) }

    /// Counts one observation in the first bucket whose bound is at least `value`.
    public mutating func observe(_ value: Double) {
        buckets[bounds.firstIndex { value <= $0 } ?? bounds.count] &+= 1
        sum += value
    }

    /// Adds `other`'s observations; counts over other bounds are ignored (returns `false`).
    @discardableResult
    public mutating func add(_ other: HistogramCounts) -> Bool {
        guard other.bounds == bounds else { return false }
        buckets = zip(buckets, other.buckets).map { $0 &+ $1 }
        sum += other.sum
        return true
    }
}
