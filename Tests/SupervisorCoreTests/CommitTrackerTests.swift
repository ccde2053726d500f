import SupervisorCore
import Testing

/// Low-water marks: the commit position never passes unfinished work.
@Suite struct CommitTrackerTests {
    private func committable(_ tracker: CommitTracker) -> [String] {
        tracker.committable().map { "\($0.partition)@\($0.position)" }
    }

    @Test func unknownPartitionHasNoMark() {
        let tracker = CommitTracker()
        #expect(tracker.lowWaterMark(partition: 0) == nil)
        #expect(tracker.pendingCount(partition: 0) == 0)
        #expect(tracker.committable().isEmpty)
        #expect(tracker.trackedPartitions.isEmpty)
    }

    @Test func markStopsAtTheFirstUnfinishedOffset() {
        var tracker = CommitTracker()
        for offset in 10...14 as ClosedRange<Int64> { tracker.track(partition: 0, offset: offset) }
        #expect(tracker.lowWaterMark(partition: 0) == 10)
        #expect(tracker.markDone(partition: 0, offset: 12) == true)
        #expect(tracker.markDone(partition: 0, offset: 11) == true)
        #expect(tracker.lowWaterMark(partition: 0) == 10)
        #expect(tracker.pendingCount(partition: 0) == 3)
        #expect(tracker.markDone(partition: 0, offset: 10) == true)
        #expect(tracker.lowWaterMark(partition: 0) == 13)
        #expect(tracker.markDone(partition: 0, offset: 14) == true)
        #expect(tracker.lowWaterMark(partition: 0) == 13)
        #expect(tracker.markDone(partition: 0, offset: 13) == true)
        #expect(tracker.lowWaterMark(partition: 0) == 15, "one past the last offset once everything is done")
        #expect(tracker.pendingCount(partition: 0) == 0)
    }

    @Test func gapsInOffsetsDoNotHoldTheMarkBack() {
        // Compacted topics and transaction markers leave holes.
        var tracker = CommitTracker()
        for offset in [3, 7, 8, 20] as [Int64] { tracker.track(partition: 1, offset: offset) }
        #expect(tracker.markDone(partition: 1, offset: 3) == true)
        #expect(tracker.lowWaterMark(partition: 1) == 7)
        #expect(tracker.markDone(partition: 1, offset: 8) == true)
        #expect(tracker.markDone(partition: 1, offset: 7) == true)
        #expect(tracker.lowWaterMark(partition: 1) == 20)
        #expect(tracker.markDone(partition: 1, offset: 20) == true)
        #expect(tracker.lowWaterMark(partition: 1) == 21)
    }

    @Test func unknownAndRepeatedOffsetsAreIgnored() {
        var tracker = CommitTracker()
        tracker.track(partition: 0, offset: 5)
        tracker.track(partition: 0, offset: 6)
        #expect(tracker.markDone(partition: 0, offset: 4) == false)
        #expect(tracker.markDone(partition: 0, offset: 7) == false)
        #expect(tracker.markDone(partition: 9, offset: 5) == false)
        #expect(tracker.markDone(partition: 0, offset: 5) == true)
        #expect(tracker.markDone(partition: 0, offset: 5) == false, "already passed by the mark")
        #expect(tracker.lowWaterMark(partition: 0) == 6)
    }

    @Test func partitionsAreIndependent() {
        var tracker = CommitTracker()
        tracker.track(partition: 2, offset: 100)
        tracker.track(partition: 0, offset: 5)
        tracker.track(partition: 2, offset: 101)
        #expect(tracker.trackedPartitions == [0, 2])
        #expect(tracker.markDone(partition: 2, offset: 100) == true)
        #expect(tracker.lowWaterMark(partition: 2) == 101)
        #expect(tracker.lowWaterMark(partition: 0) == 5)
        #expect(committable(tracker) == ["0@5", "2@101"])
    }

    @Test func committableReportsOnlyAdvancesPastTheConfirmedCommit() {
        var tracker = CommitTracker()
        tracker.reset(partition: 0, position: 10)
        tracker.reset(partition: 1, position: 0)
        #expect(committable(tracker) == ["0@10", "1@0"], "never committed: the start position is committable")
        tracker.confirmCommit(partition: 0, position: 10)
        tracker.confirmCommit(partition: 1, position: 0)
        #expect(committable(tracker) == [])
        for offset in 10...12 as ClosedRange<Int64> { tracker.track(partition: 0, offset: offset) }
        #expect(committable(tracker) == [], "tracked but unfinished work does not move the mark")
        tracker.markDone(partition: 0, offset: 11)
        #expect(committable(tracker) == [])
        tracker.markDone(partition: 0, offset: 10)
        #expect(committable(tracker) == ["0@12"])
        // Until confirmed, the same position keeps being offered.
        #expect(committable(tracker) == ["0@12"])
        tracker.confirmCommit(partition: 0, position: 12)
        #expect(committable(tracker) == [])
        // A stale confirmation never moves the confirmed position back.
        tracker.confirmCommit(partition: 0, position: 11)
        #expect(committable(tracker) == [])
        tracker.markDone(partition: 0, offset: 12)
        #expect(committable(tracker) == ["0@13"])
        tracker.confirmCommit(partition: 7, position: 1)  // unknown partition: ignored
        #expect(tracker.trackedPartitions == [0, 1])
    }

    @Test func resetForgetsEverythingTracked() {
        var tracker = CommitTracker()
        tracker.track(partition: 0, offset: 1)
        tracker.track(partition: 0, offset: 2)
        tracker.confirmCommit(partition: 0, position: 1)
        tracker.reset(partition: 0, position: 50)
        #expect(tracker.lowWaterMark(partition: 0) == 50)
        #expect(tracker.pendingCount(partition: 0) == 0)
        #expect(tracker.markDone(partition: 0, offset: 2) == false)
        #expect(committable(tracker) == ["0@50"], "the confirmed commit is forgotten too")
        tracker.track(partition: 0, offset: 50)
        #expect(tracker.lowWaterMark(partition: 0) == 50)
        tracker.markDone(partition: 0, offset: 50)
        #expect(tracker.lowWaterMark(partition: 0) == 51)
    }

    @Test func removeForgetsThePartition() {
        var tracker = CommitTracker()
        tracker.track(partition: 0, offset: 1)
        tracker.track(partition: 3, offset: 1)
        tracker.remove(partition: 0)
        #expect(tracker.trackedPartitions == [3])
        #expect(tracker.lowWaterMark(partition: 0) == nil)
        #expect(tracker.markDone(partition: 0, offset: 1) == false)
        #expect(committable(tracker) == ["3@1"])
    }

    @Test(arguments: 0..<300)
    func randomCompletionOrders(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &+ 0xC0FFEE)
        var tracker = CommitTracker()
        let partitions: [Int32] = [0, 1, 2]
        var offsets: [Int32: [Int64]] = [:]
        var pending: [Int32: Set<Int64>] = [:]
        var confirmed: [Int32: Int64] = [:]
        var undone: [(Int32, Int64)] = []
        // Offsets arrive in increasing order per partition (with random gaps) while earlier ones finish.
        var next: [Int32: Int64] = [0: Int64.random(in: 0...1000, using: &generator), 1: 0, 2: 1 << 40]
        for step in 0..<200 {
            if undone.isEmpty || Int.random(in: 0..<3, using: &generator) > 0 {
                let partition = partitions.randomElement(using: &generator)!
                let offset = next[partition]!
                next[partition] = offset + Int64.random(in: 1...3, using: &generator)
                tracker.track(partition: partition, offset: offset)
                offsets[partition, default: []].append(offset)
                pending[partition, default: []].insert(offset)
                undone.append((partition, offset))
            } else {
                let (partition, offset) = undone.remove(at: Int.random(in: 0..<undone.count, using: &generator))
                #expect(tracker.markDone(partition: partition, offset: offset) == true)
                pending[partition]!.remove(offset)
            }
            var problems: [String] = []
            for partition in offsets.keys {
                let expected = pending[partition]!.min() ?? (offsets[partition]!.last! + 1)
                let mark = tracker.lowWaterMark(partition: partition)
                if mark != expected {
                    problems.append("partition \(partition): mark \(String(describing: mark)), expected \(expected)")
                }
                if tracker.pendingCount(partition: partition) != pending[partition]!.count {
                    problems.append("partition \(partition): pendingCount")
                }
                if let mark, pending[partition]!.contains(where: { $0 < mark }) {
                    problems.append("partition \(partition): mark \(mark) passed unfinished work")
                }
            }
            let offered = tracker.committable()
            for (partition, position) in offered {
                if let last = confirmed[partition], position <= last {
                    problems.append("partition \(partition): offered \(position), already confirmed \(last)")
                }
                if position != tracker.lowWaterMark(partition: partition) {
                    problems.append("partition \(partition): offered \(position)")
                }
            }
            for partition in offsets.keys where !offered.contains(where: { $0.partition == partition }) {
                if confirmed[partition] != tracker.lowWaterMark(partition: partition) {
                    problems.append("partition \(partition): an advance past the confirmed commit was not offered")
                }
            }
            for (partition, position) in offered where Bool.random(using: &generator) {
                tracker.confirmCommit(partition: partition, position: position)
                confirmed[partition] = position
            }
            #expect(problems.isEmpty, "seed \(seed) step \(step): \(problems)")
            if !problems.isEmpty { return }
        }
        // Finish the rest in random order.
        undone.shuffle(using: &generator)
        for (partition, offset) in undone {
            let known = tracker.markDone(partition: partition, offset: offset)
            #expect(known)
        }
        for (partition, tracked) in offsets {
            #expect(tracker.lowWaterMark(partition: partition) == tracked.last! + 1)
            #expect(tracker.pendingCount(partition: partition) == 0)
        }
    }
}
