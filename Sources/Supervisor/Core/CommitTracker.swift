import DequeModule

/// Per partition, the lowest offset that is not done: the only position a source may commit.
///
/// Offsets must be tracked in increasing order per partition (Kafka delivers them so); they may finish in
/// any order. The commit position is "next offset to read": every offset below it is done.
public struct CommitTracker: Sendable {
    fileprivate struct Partition: Sendable {
        /// Tracked offsets not yet passed by the low-water mark, in order, with their done flag.
        var window: Deque<(offset: Int64, done: Bool)> = []
        /// One past the highest offset tracked, or the start position.
        var next: Int64
        /// The last position handed out by ``committable(partition:)`` and confirmed.
        var committed: Int64?
    }

    private var partitions: [Int32: Partition] = [:]

    public init() {}

    /// Starts (or restarts) a partition at `position`, forgetting anything tracked before.
    public mutating func reset(partition: Int32, position: Int64) {
        partitions[partition] = Partition(next: position, committed: nil)
    }

    /// Forgets a partition (revoked).
    public mutating func remove(partition: Int32) { partitions[partition] = nil }

    /// The partitions tracked.
    public var trackedPartitions: [Int32] { partitions.keys.sorted() }

    /// Records that `offset` was received and is not done.
    public mutating func track(partition: Int32, offset: Int64) {
        // Through the dictionary's modify accessor: a copy taken out and stored back would copy the whole window
        // on every append (the dictionary still holds it), a cost that grows with the backlog.
        partitions[partition, default: Partition(next: offset)].track(offset)
    }

    /// Records that `offset` is done. Unknown offsets are ignored (returns false).
    @discardableResult
    public mutating func markDone(partition: Int32, offset: Int64) -> Bool {
        partitions[partition]?.markDone(offset) ?? false
    }

    /// The position every offset below which is done.
    public func lowWaterMark(partition: Int32) -> Int64? {
        guard let state = partitions[partition] else { return nil }
        return state.window.first?.offset ?? state.next
    }

    /// Offsets tracked and not done.
    public func pendingCount(partition: Int32) -> Int {
        partitions[partition]?.window.reduce(0) { $0 + ($1.done ? 0 : 1) } ?? 0
    }

    /// The positions that moved past the last confirmed commit, one per partition.
    public func committable() -> [(partition: Int32, position: Int64)] {
        partitions.keys.sorted().compactMap { partition in
            guard let mark = lowWaterMark(partition: partition) else { return nil }
            let last = partitions[partition]?.committed
            return last.map { mark > $0 } ?? true ? (partition, mark) : nil
        }
    }

    /// Records a successful commit of `position`.
    public mutating func confirmCommit(partition: Int32, position: Int64) {
        guard let committed = partitions[partition]?.committed else {
            partitions[partition]?.committed = position
            return
        }
        partitions[partition]?.committed = max(committed, position)
    }
}

extension CommitTracker.Partition {
    mutating func track(_ offset: Int64) {
        precondition(window.last.map { offset > $0.offset } ?? true, "offsets must increase per partition")
        window.append((offset, false))
        next = offset + 1
    }

    mutating func markDone(_ offset: Int64) -> Bool {
        // Binary search: the window is sorted by offset.
        var low = 0
        var high = window.count
        while low < high {
            let mid = (low + high) / 2
            if window[mid].offset < offset { low = mid + 1 } else { high = mid }
        }
        guard low < window.count, window[low].offset == offset else { return false }
        window[low].done = true
        while let first = window.first, first.done { window.removeFirst() }
        return true
    }
}
