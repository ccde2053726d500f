/// A binary min-heap of keys by due time (monotonic nanoseconds): the store's pod timers (so housekeeping looks
/// only at what is due instead of scanning every object) and the event loops' delayed requests (``TimerHeap``).
struct DueHeap<Key> {
    private var entries: [(due: UInt64, key: Key)] = []

    var count: Int { entries.count }

    /// The earliest due time.
    var nextDue: UInt64? { entries.first?.due }

    mutating func push(_ due: UInt64, _ key: Key) {
        entries.append((due, key))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].due < entries[parent].due else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest key if it is due at `now`.
    mutating func popDue(_ now: UInt64) -> Key? {
        guard let first = entries.first, first.due <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count && entries[left].due < entries[smallest].due { smallest = left }
                if right < entries.count && entries[right].due < entries[smallest].due { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.key
    }

    /// Removes every key, returning them.
    mutating func drain() -> [Key] {
        defer { entries = [] }
        return entries.map(\.key)
    }
}

extension DueHeap: Sendable where Key: Sendable {}
