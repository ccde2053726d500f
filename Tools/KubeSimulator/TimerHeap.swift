/// A binary min-heap of delayed requests, keyed by their due time.
struct TimerHeap {
    /// A request waiting for its injected latency.
    struct Entry {
        var due: UInt64
        var descriptor: Int32
        var serial: UInt32
        var pending: RequestProcessor.Pending
    }

    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    /// The earliest due time.
    var nextDue: UInt64? { entries.first?.due }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].due < entries[parent].due else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(_ now: UInt64) -> Entry? {
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
        return first
    }

    /// Removes every entry (at shutdown), returning them.
    mutating func drain() -> [Entry] {
        defer { entries = [] }
        return entries
    }
}
