import IPC
import Testing

/// The plain histogram workers count in and the protocol carries.
@Suite struct HistogramCountsTests {
    @Test func anObservationLandsInTheFirstBucketWhoseBoundHoldsIt() {
        var histogram = HistogramCounts(bounds: [1, 5])
        #expect(histogram.buckets == [0, 0, 0] && histogram.count == 0 && histogram.sum == 0)
        for value in [-3, 0.5, 1, 1.000_001, 5, 6, .infinity] { histogram.observe(value) }
        #expect(histogram.buckets == [3, 2, 2])
        #expect(histogram.count == 7)
        #expect(histogram.sum == .infinity)
    }

    @Test func countsFromThePeerMustFitTheBounds() {
        #expect(HistogramCounts(bounds: [1, 5], buckets: [1, 2], sum: 3) == nil)
        #expect(HistogramCounts(bounds: [1, 5], buckets: [1, 2, 3, 4], sum: 3) == nil)
        let received = HistogramCounts(bounds: [1, 5], buckets: [1, 2, 3], sum: 40)
        #expect(received?.count == 6)
        #expect(received?.sum == 40)
    }

    @Test func addingSumsBucketByBucketOverEqualBoundsOnly() throws {
        var total = try #require(HistogramCounts(bounds: [1, 5], buckets: [1, 0, .max], sum: 2))
        let more = try #require(HistogramCounts(bounds: [1, 5], buckets: [0, 4, 2], sum: 8.5))
        let added = total.add(more)
        #expect(added)
        // Counters wrap rather than trap, as every counter of the statistics does.
        #expect(total.buckets == [1, 4, 1])
        #expect(total.sum == 10.5)
        let mismatched = total.add(HistogramCounts(bounds: [1, 2]))
        #expect(!mismatched)
        #expect(total.buckets == [1, 4, 1] && total.sum == 10.5)
    }
}
